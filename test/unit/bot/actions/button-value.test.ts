import {
  encodeApprovalValue,
  encodeContainNowValue,
  parseApprovalValue,
  parseContainNowValue,
} from '../../../../bot/actions/button-value';
import { ValidationError } from '../../../../workflow/errors';

const ids = { incidentId: 'inc-0123456789abcdef', approvalId: 'apr-fedcba9876543210' };

describe('button values', () => {
  it('round-trips {i, a} and {i}', () => {
    expect(encodeApprovalValue(ids)).toBe('{"i":"inc-0123456789abcdef","a":"apr-fedcba9876543210"}');
    expect(parseApprovalValue(encodeApprovalValue(ids))).toEqual(ids);
    expect(parseContainNowValue(encodeContainNowValue(ids.incidentId))).toEqual({
      incidentId: ids.incidentId,
    });
  });

  it('rejects values that are not JSON, carry extra keys (a token) or malformed ids', () => {
    for (const raw of [
      undefined,
      'not json',
      '{"i":"inc-0123456789abcdef"}',
      '{"i":"inc-0123456789abcdef","a":"apr-fedcba9876543210","t":"AQ…token"}',
      '{"i":"inc-XYZ","a":"apr-fedcba9876543210"}',
      '[]',
    ]) {
      expect(() => parseApprovalValue(raw)).toThrow(ValidationError);
    }
    expect(() => parseContainNowValue('{"i":"inc-0123456789abcdef","a":"apr-fedcba9876543210"}')).toThrow(
      ValidationError,
    );
  });
});
