import {
  failedCallFromMessage,
  failedStepFromAudit,
  readableCause,
} from '../../../../../workflow/domain/incident/failure';
import type { AuditEvent } from '../../../../../workflow/ledger/types';

const events = (...actions: string[]): AuditEvent[] =>
  actions.map((action, i) => ({
    incidentId: 'inc-1',
    at: `2025-03-01T12:00:0${i}.000Z`,
    actor: 'workflow',
    action,
  }));

describe('failedStepFromAudit', () => {
  it('names the last step whose failure was not followed by its success', () => {
    expect(
      failedStepFromAudit(events('isolate-network-failed', 'isolate-network', 'tag-instance-failed')),
    ).toBe('tag-instance');
  });

  it('does not blame a step that failed, was retried and succeeded', () => {
    expect(
      failedStepFromAudit(events('record-pre-state', 'isolate-network-failed', 'isolate-network')),
    ).toBeUndefined();
  });

  it('ignores events other actors wrote', () => {
    const audit = events('tag-instance-failed', 'decision-delivery-failed');
    audit[1] = { ...audit[1], actor: 'slack:U1' } as AuditEvent;
    expect(failedStepFromAudit(audit)).toBe('tag-instance');
  });

  it('ignores compensation’s own failures', () => {
    expect(failedStepFromAudit(events('restore-failed', 'compensate-failed'))).toBe('restore');
  });
});

describe('readableCause', () => {
  it('unwraps a Lambda error JSON', () => {
    expect(readableCause(JSON.stringify({ errorType: 'X', errorMessage: 'boom', trace: [] }))).toBe('boom');
  });

  it.each([
    [undefined, ''],
    ['plain text', 'plain text'],
    ['{"other":1}', '{"other":1}'],
  ])('keeps %p readable', (cause, expected) => {
    expect(readableCause(cause)).toBe(expected);
  });
});

describe('failedCallFromMessage', () => {
  it('reads the AWS call a mapped error names', () => {
    expect(failedCallFromMessage('s3:PutBucketPublicAccessBlock logs: SlowDown: …')).toBe(
      's3:PutBucketPublicAccessBlock',
    );
    expect(failedCallFromMessage('task input: request.resource: required')).toBeUndefined();
  });
});
