import {
  type CallSpan,
  isIsolatingCall,
  isolationFigures,
  sequentialDepth,
} from '../../../../bench/lib/isolation';

let seq = 0;
/** A call in flight from tick `start` to tick `end`. */
function call(operation: string, start: number, end: number, extra: Partial<CallSpan> = {}): CallSpan {
  seq += 1;
  const service = operation === 'GetCommandInvocation' ? 'ssm' : 'ec2';
  return { seq, service, operation, input: {}, startTick: start, endTick: end, ...extra };
}

const isolate = (start: number, end: number, extra: Partial<CallSpan> = {}) =>
  call('ModifyNetworkInterfaceAttribute', start, end, {
    input: { NetworkInterfaceId: 'eni-1', Groups: ['sg-allow-all'] },
    ...extra,
  });

describe('sequentialDepth', () => {
  it('counts calls one after another each once', () => {
    expect(sequentialDepth([call('A', 1, 2), call('B', 3, 4), call('C', 5, 6)])).toBe(3);
  });

  it('counts calls in flight together once', () => {
    // A, then B, C, D in parallel, then E.
    const calls = [call('A', 1, 2), call('B', 3, 7), call('C', 4, 8), call('D', 5, 6), call('E', 9, 10)];
    expect(sequentialDepth(calls)).toBe(3);
  });

  it('finds the longest chain when parallel branches have different lengths', () => {
    // One branch makes two calls in a row while the other makes one long call.
    const calls = [call('A', 1, 2), call('B', 3, 8), call('C1', 4, 5), call('C2', 6, 7), call('D', 9, 10)];
    expect(sequentialDepth(calls)).toBe(4);
  });

  it('is 0 for no calls', () => {
    expect(sequentialDepth([])).toBe(0);
  });
});

describe('isolationFigures', () => {
  it('counts the calls before the first security-group swap, and their depth without the capture polls', () => {
    const calls = [
      call('DescribeInstances', 1, 2),
      call('DescribeInstanceAttribute', 3, 5),
      call('DescribeAddresses', 4, 6),
      call('SendCommand', 7, 8),
      call('GetCommandInvocation', 9, 10),
      call('GetCommandInvocation', 11, 12),
      isolate(13, 14),
      call('CreateSnapshot', 15, 16),
    ];
    expect(isolationFigures(calls)).toEqual({
      callsBeforeIsolation: 6,
      sequentialDepthBeforeIsolation: 3,
      capturePollsBeforeIsolation: 2,
      firstIsolatingCall: {
        seq: calls[6]?.seq,
        operation: 'ModifyNetworkInterfaceAttribute',
        networkInterfaceId: 'eni-1',
      },
    });
  });

  it('does not count a failed swap, or one that changes no groups, as isolating', () => {
    const failed = isolate(3, 4, { error: 'RequestLimitExceeded' });
    const sourceDest = call('ModifyNetworkInterfaceAttribute', 1, 2, {
      input: { SourceDestCheck: { Value: true } },
    });
    expect(isIsolatingCall(failed)).toBe(false);
    expect(isIsolatingCall(sourceDest)).toBe(false);
    expect(isolationFigures([sourceDest, failed, isolate(5, 6)]).callsBeforeIsolation).toBe(2);
  });

  it('counts a network ACL deny entry as isolating, an allow entry not', () => {
    const allow = call('CreateNetworkAclEntry', 1, 2, { input: { RuleAction: 'allow' } });
    const deny = call('CreateNetworkAclEntry', 3, 4, { input: { RuleAction: 'deny' } });
    expect(isIsolatingCall(allow)).toBe(false);
    expect(isolationFigures([allow, deny, isolate(5, 6)]).firstIsolatingCall?.operation).toBe(
      'CreateNetworkAclEntry',
    );
  });

  it('reports no isolating call when none was made', () => {
    const figures = isolationFigures([call('DescribeInstances', 1, 2)]);
    expect(figures.firstIsolatingCall).toBeUndefined();
    expect(figures.callsBeforeIsolation).toBe(1);
  });
});
