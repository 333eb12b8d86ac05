import type { SimCall } from '../../local/sim';

/**
 * How much AWS work an EC2 containment does before it starts to isolate (issue 14, the bench:drill figures).
 *
 * - The isolating call: the first successful `ec2:ModifyNetworkInterfaceAttribute` that sets `Groups` on an ENI
 *   (the first security-group swap of IsolateNetwork; whatever group it sets, from that call on the instance's
 *   ENIs are no longer the workload's), or a network ACL `deny` entry (CreateNetworkAclEntry /
 *   ReplaceNetworkAclEntry), should one come first. A failed attempt (throttled, injected) isolates nothing and
 *   does not count.
 * - callsBeforeIsolation: every AWS call logged before it (from the execution's start; seeding makes none),
 *   capture polls included.
 * - sequentialDepthBeforeIsolation: the same calls, counting calls in flight together once: the longest chain of
 *   calls each of which began after the previous one ended. The capture's `ssm:GetCommandInvocation` polls (the
 *   bounded wait for the capture) are left out and reported as capturePollsBeforeIsolation.
 */

/** What the figures read of one call (SimCall's fields; ticks order every start and end). */
export type CallSpan = Pick<
  SimCall,
  'seq' | 'service' | 'operation' | 'input' | 'error' | 'startTick' | 'endTick'
>;

export interface IsolationFigures {
  callsBeforeIsolation: number;
  sequentialDepthBeforeIsolation: number;
  capturePollsBeforeIsolation: number;
  /** The isolating call; absent when none was made (e.g. a non-EC2 route or a failed containment). */
  firstIsolatingCall?: { seq: number; operation: string; networkInterfaceId?: string };
}

export function isIsolatingCall(call: CallSpan): boolean {
  if (call.service !== 'ec2' || call.error) return false;
  const input = (call.input ?? {}) as { Groups?: unknown; RuleAction?: unknown };
  if (call.operation === 'ModifyNetworkInterfaceAttribute')
    return Array.isArray(input.Groups) && input.Groups.length > 0;
  return (
    (call.operation === 'CreateNetworkAclEntry' || call.operation === 'ReplaceNetworkAclEntry') &&
    input.RuleAction === 'deny'
  );
}

export function isCapturePoll(call: CallSpan): boolean {
  return call.service === 'ssm' && call.operation === 'GetCommandInvocation';
}

/**
 * The longest chain of calls that did not overlap (each began after the previous one ended): the number of
 * rounds the calls took, when calls made in parallel count once. Greedy by end tick, which is optimal for
 * intervals. A call that never settled counts as still in flight.
 */
export function sequentialDepth(calls: readonly CallSpan[]): number {
  const spans = calls
    .map((c) => ({ start: c.startTick, end: c.endTick ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.end - b.end);
  let depth = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const span of spans) {
    if (span.start > lastEnd) {
      depth += 1;
      lastEnd = span.end;
    }
  }
  return depth;
}

/** The figures for one run's call log (in log order, i.e. by start). */
export function isolationFigures(calls: readonly CallSpan[]): IsolationFigures {
  const index = calls.findIndex(isIsolatingCall);
  const before = index < 0 ? [...calls] : calls.slice(0, index);
  const polls = before.filter(isCapturePoll);
  const first = index < 0 ? undefined : calls[index];
  const eni = (first?.input as { NetworkInterfaceId?: unknown } | undefined)?.NetworkInterfaceId;
  return {
    callsBeforeIsolation: before.length,
    sequentialDepthBeforeIsolation: sequentialDepth(before.filter((c) => !isCapturePoll(c))),
    capturePollsBeforeIsolation: polls.length,
    ...(first
      ? {
          firstIsolatingCall: {
            seq: first.seq,
            operation: first.operation,
            ...(typeof eni === 'string' ? { networkInterfaceId: eni } : {}),
          },
        }
      : {}),
  };
}
