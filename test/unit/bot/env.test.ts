import { reportSettingsFromEnv } from '../../../bot/env';

describe('reportSettingsFromEnv (bot/env.ts)', () => {
  it('is unset without EVIDENCE_BUCKET (reports not configured)', () => {
    expect(reportSettingsFromEnv({ REPORT_RETENTION_DAYS: '365' })).toBeUndefined();
  });

  it('reads the bucket, the retention and the optional lock mode', () => {
    expect(reportSettingsFromEnv({ EVIDENCE_BUCKET: 'b', REPORT_RETENTION_DAYS: '365' })).toEqual({
      evidenceBucket: 'b',
      retentionDays: 365,
    });
    expect(
      reportSettingsFromEnv({
        EVIDENCE_BUCKET: 'b',
        REPORT_RETENTION_DAYS: '30',
        REPORT_LOCK_MODE: 'COMPLIANCE',
      }),
    ).toEqual({ evidenceBucket: 'b', retentionDays: 30, lockMode: 'COMPLIANCE' });
  });

  it('fails naming the variable: a bucket without retention, a bad retention, a bad lock mode', () => {
    expect(() => reportSettingsFromEnv({ EVIDENCE_BUCKET: 'b' })).toThrow(
      'REPORT_RETENTION_DAYS is required',
    );
    expect(() => reportSettingsFromEnv({ EVIDENCE_BUCKET: 'b', REPORT_RETENTION_DAYS: '0' })).toThrow(
      'REPORT_RETENTION_DAYS must be a whole number of days ≥ 1, not 0',
    );
    expect(() =>
      reportSettingsFromEnv({
        EVIDENCE_BUCKET: 'b',
        REPORT_RETENTION_DAYS: '1',
        REPORT_LOCK_MODE: 'governance',
      }),
    ).toThrow('REPORT_LOCK_MODE must be GOVERNANCE or COMPLIANCE');
  });
});
