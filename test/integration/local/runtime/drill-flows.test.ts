import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestOf, runDrill } from '../../../../local/runtime/drill';
import type { OfflineStack } from '../../../../local/runtime/types';
import type { EstateSnapshot } from '../../../../local/sim';
import { addNatGatewayFlow, liveFlows } from '../../../../local/sim/flows';
import { configureAwsRetry } from '../../../../workflow/aws/call';

/**
 * The whole runbook against a C2 session out through the NAT gateway (always tracked, so the security group
 * swap cannot drop it): approve ends with no live flow and every ENI on the isolation group; reject restores the
 * estate exactly, network ACL entries included.
 */

const EC2 = JSON.parse(
  readFileSync(join(__dirname, '../../../../local/workspace/samples/ec2-high-web1.json'), 'utf8'),
) as unknown;
const request = requestOf(EC2);
const instanceId = request?.resource.instanceId ?? '';
const open: OfflineStack[] = [];

function instanceOf(stack: OfflineStack) {
  const found = stack.sim.model.findInstance(instanceId);
  if (!found) throw new Error(`${instanceId} is not in the estate`);
  return found;
}

const flowsOf = (stack: OfflineStack) => {
  const { target, instance } = instanceOf(stack);
  return liveFlows(stack.sim.model, target).filter((f) =>
    instance.networkInterfaceIds.includes(f.networkInterfaceId),
  );
};

async function drill(decision: 'approve' | 'reject', prepare?: (stack: OfflineStack) => void) {
  let before: EstateSnapshot | undefined;
  const run = await runDrill({
    event: EC2,
    decision,
    keepOpen: true,
    prepare: (stack) => {
      open.push(stack);
      const { target, instance } = instanceOf(stack);
      if (!flowsOf(stack).some((f) => f.path === 'nat-gateway'))
        addNatGatewayFlow(stack.sim.model, target, {
          networkInterfaceId: instance.networkInterfaceIds[0] ?? '',
        });
      before = stack.sim.snapshot();
      prepare?.(stack);
    },
  });
  if (!before) throw new Error('prepare did not run');
  return { ...run, before };
}

jest.setTimeout(30_000);
beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(async () => {
  configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 });
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('drill: the NAT-gateway session', () => {
  it('approve: no live flow is left and every ENI carries only the isolation group', async () => {
    const run = await drill('approve');
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(flowsOf(run.stack)).toEqual([]);
    const { target, instance } = instanceOf(run.stack);
    const ec2 = run.stack.sim.model.ec2(target);
    for (const id of instance.networkInterfaceIds) {
      const groups = ec2.networkInterfaces[id]?.groupIds ?? [];
      expect(groups.map((g) => ec2.securityGroups[g]?.groupName)).toEqual([
        expect.stringMatching(/^airlock-isolation/),
      ]);
    }
    expect(run.actions.filter((a) => a.operation === 'CreateNetworkAclEntry').length).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('reject: restored exactly, the network ACL entries removed', async () => {
    const run = await drill('reject');
    expect(run).toMatchObject({ status: 'RESTORED', executionStatus: 'SUCCEEDED' });
    expect(run.actions.some((a) => a.operation === 'DeleteNetworkAclEntry')).toBe(true);
    const diff = run.stack.sim.diff(run.before, run.stack.sim.snapshot());
    expect(diff.filter((l) => /networkAcls|connectionTracking/.test(l))).toEqual([]);
  });

  it('fails clearly when the network ACLs are full: the thread names the error, the SG swap stays', async () => {
    const run = await drill('approve', (stack) => {
      stack.sim.model.networkAclRuleLimit = 2; // the default ACL's two entries per direction fill it
    });
    expect(run).toMatchObject({ status: 'FAILED', executionStatus: 'FAILED' });
    const incident = await run.stack.ledger.getIncident(run.incidentId ?? '');
    expect(incident?.steps.find((s) => s.name === 'isolate-network')).toMatchObject({
      status: 'failed',
      summary: expect.stringMatching(
        /^Failed: NetworkAclFullError: network ACL acl-\S+ is at its ingress rule limit/,
      ),
    });
    expect(
      run.slack.some((m) => m.text?.includes('NetworkAclFullError') || m.text?.includes('rule limit')),
    ).toBe(true);
    const { target, instance } = instanceOf(run.stack);
    const ec2 = run.stack.sim.model.ec2(target);
    for (const id of instance.networkInterfaceIds)
      expect(
        (ec2.networkInterfaces[id]?.groupIds ?? []).map((g) => ec2.securityGroups[g]?.groupName),
      ).toEqual([expect.stringMatching(/^airlock-isolation/)]);
  });
});
