import { VirtualClock } from '../../../../local/engine/clock';
import { newTaskToken, TokenRegistry } from '../../../../local/engine/tokens';

const ARN = 'arn:aws:states:us-east-1:000000000000:execution:airlock:inc-1';
const timeoutError = () => Object.assign(new Error('States.Timeout'), { name: 'States.Timeout' });

function armed(registry: TokenRegistry, timeoutMs?: number) {
  const token = registry.issue(ARN);
  const payload = { incidentId: 'inc-1', taskToken: token };
  const tokens = registry.issuedTokensIn(payload, ARN);
  const wait = registry.wait(tokens, {
    executionArn: ARN,
    stateName: 'RequestApproval',
    payload,
    timeoutError,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return { token, tokens, wait };
}

describe('TokenRegistry', () => {
  it('makes long, opaque, distinct tokens with SFN-like characters', () => {
    const tokens = Array.from({ length: 50 }, newTaskToken);

    expect(new Set(tokens).size).toBe(50);
    expect(tokens.every((t) => t.length > 200 && /^[A-Za-z0-9+/]+=*$/.test(t))).toBe(true);
  });

  it('finds the issued token in the payload and resolves the wait with SendTaskSuccess output', async () => {
    const registry = new TokenRegistry(new VirtualClock());
    const { token, tokens, wait } = armed(registry);

    expect(tokens).toEqual([token]);
    registry.sendTaskSuccess(token, { decision: 'approve' });

    await expect(wait.promise).resolves.toEqual({ decision: 'approve' });
    expect(registry.pending()).toEqual([]);
  });

  it('rejects the wait with an error named by SendTaskFailure, Cause as message', async () => {
    const registry = new TokenRegistry(new VirtualClock());
    const { token, wait } = armed(registry);

    registry.sendTaskFailure(token, 'DecisionRejected', 'false positive');

    await expect(wait.promise).rejects.toMatchObject({ name: 'DecisionRejected', message: 'false positive' });
  });

  it('rejects reuse of a spent token with TaskTimedOut', () => {
    const registry = new TokenRegistry(new VirtualClock());
    const { token } = armed(registry);
    registry.sendTaskSuccess(token, {});

    expect(() => registry.sendTaskSuccess(token, {})).toThrow(
      expect.objectContaining({ name: 'TaskTimedOut', message: 'Provided task does not exist anymore' }),
    );
    expect(() => registry.sendTaskFailure(token, 'X', 'y')).toThrow(
      expect.objectContaining({ name: 'TaskTimedOut' }),
    );
  });

  it('times the wait out on the virtual clock, after which the token is TaskTimedOut', async () => {
    const clock = new VirtualClock();
    const registry = new TokenRegistry(clock);
    const { token, wait } = armed(registry, 4 * 3600_000);

    expect(registry.pending()[0]?.deadline).toEqual(new Date(clock.nowMs() + 4 * 3600_000));
    clock.advance(4 * 3600_000);

    await expect(wait.promise).rejects.toMatchObject({ name: 'States.Timeout' });
    expect(() => registry.sendTaskSuccess(token, {})).toThrow(
      expect.objectContaining({ name: 'TaskTimedOut' }),
    );
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects unknown and issued-but-not-waiting tokens with TaskTimedOut', () => {
    const registry = new TokenRegistry(new VirtualClock());
    const issued = registry.issue(ARN);

    expect(() => registry.sendTaskSuccess('nope', {})).toThrow(
      expect.objectContaining({ name: 'TaskTimedOut' }),
    );
    expect(() => registry.sendTaskSuccess(issued, {})).toThrow(
      expect.objectContaining({ name: 'TaskTimedOut' }),
    );
  });

  it('rejects output that is not JSON (InvalidOutput) and keeps the task waiting', () => {
    const registry = new TokenRegistry(new VirtualClock());
    const { token } = armed(registry);

    expect(() => registry.sendTaskSuccess(token, undefined)).toThrow(
      expect.objectContaining({ name: 'InvalidOutput' }),
    );
    expect(registry.pending()).toHaveLength(1);
  });

  it('ends every wait of an execution and forgets its tokens', async () => {
    const clock = new VirtualClock();
    const registry = new TokenRegistry(clock);
    const { token, wait } = armed(registry, 1000);

    registry.endExecution(ARN, new Error('stopped'));

    await expect(wait.promise).rejects.toThrow('stopped');
    expect(() => registry.sendTaskSuccess(token, {})).toThrow(
      expect.objectContaining({ name: 'TaskTimedOut' }),
    );
    expect(clock.pendingTimers()).toBe(0);
  });

  it('ignores tokens issued to another execution', () => {
    const registry = new TokenRegistry(new VirtualClock());
    const other = registry.issue(`${ARN}-other`);

    expect(registry.issuedTokensIn({ taskToken: other }, ARN)).toEqual([]);
  });
});
