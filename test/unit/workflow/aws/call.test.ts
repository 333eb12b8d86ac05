import { aws, configureAwsRetry } from '../../../../workflow/aws/call';
import { ThrottledError, TransientAwsError } from '../../../../workflow/errors';

/** SDK-shaped errors: a 5xx (ambiguous: the call may have taken effect) and a throttle (it did nothing). */
const serverError = () =>
  Object.assign(new Error('We encountered an internal error.'), {
    name: 'InternalError',
    $fault: 'server' as const,
    $metadata: { httpStatusCode: 500 },
  });
const throttle = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'RequestLimitExceeded',
    $fault: 'client' as const,
    $metadata: { httpStatusCode: 503 },
  });

/** A call that fails with the given errors, then answers 'done'. */
function failing(...errors: Error[]) {
  const calls = { n: 0 };
  const fn = async () => {
    const error = errors[calls.n];
    calls.n += 1;
    if (error) throw error;
    return 'done';
  };
  return { fn, calls };
}

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0, maxAttempts: 4 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000, maxAttempts: 4 }));

describe('aws (per-call retry)', () => {
  it('re-sends a call after a 5xx or a throttle by default', async () => {
    const { fn, calls } = failing(serverError(), throttle());
    await expect(aws('ec2:ModifyNetworkInterfaceAttribute', fn)).resolves.toBe('done');
    expect(calls.n).toBe(3);
  });

  it('fails a call that must not be sent twice at its first 5xx, as TransientAwsError (the task retries)', async () => {
    const { fn, calls } = failing(serverError());
    await expect(aws('ec2:CreateSnapshot vol-1', fn, { idempotent: false })).rejects.toBeInstanceOf(
      TransientAwsError,
    );
    expect(calls.n).toBe(1);
  });

  it('still re-sends a throttled call that must not be sent twice (a throttled call did nothing)', async () => {
    const { fn, calls } = failing(throttle(), throttle());
    await expect(aws('ssm:SendCommand', fn, { idempotent: false })).resolves.toBe('done');
    expect(calls.n).toBe(3);
  });

  it('fails with ThrottledError once the attempts are used up', async () => {
    const { fn, calls } = failing(throttle(), throttle(), throttle(), throttle());
    await expect(aws('iam:PutRolePolicy', fn)).rejects.toBeInstanceOf(ThrottledError);
    expect(calls.n).toBe(4);
  });
});
