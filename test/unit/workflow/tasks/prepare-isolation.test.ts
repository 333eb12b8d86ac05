import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Ec2State } from '../../../../workflow/domain/ec2/state';
import { run } from '../../../../workflow/tasks/prepare-isolation';
import { makeRequest } from '../../../helpers/requests';
import { makeHarness, seedIncident } from '../domain/incident/harness';

const ec2 = mockClient(EC2Client);
beforeEach(() => ec2.reset());

const preState = (instanceId: string): Ec2State => ({
  kind: 'ec2-instance',
  instanceId,
  instanceArn: `arn:aws:ec2:us-east-1:111122223333:instance/${instanceId}`,
  vpcId: 'vpc-1',
  networkInterfaces: [
    { networkInterfaceId: 'eni-1', vpcId: 'vpc-1', deviceIndex: 0, securityGroupIds: ['sg-web'] },
    { networkInterfaceId: 'eni-2', vpcId: 'vpc-1', deviceIndex: 1, securityGroupIds: ['sg-web'] },
  ],
  disableApiTermination: false,
  instanceInitiatedShutdownBehavior: 'stop',
  blockDevices: [],
  targetGroups: [],
  elasticIps: [],
  tags: {},
});

describe('PrepareIsolation task', () => {
  it('makes both groups ready in the pre-state’s VPC, audits it, and touches no ENI', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');
    await h.ledger.recordPreState(base.incidentId, { ...preState('i-0123456789abcdef0') });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2
      .on(CreateSecurityGroupCommand, { GroupName: 'airlock-allow-all' })
      .resolves({ GroupId: 'sg-allow' })
      .on(CreateSecurityGroupCommand, { GroupName: 'airlock-isolation' })
      .resolves({ GroupId: 'sg-iso' });
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({});
    ec2.on(AuthorizeSecurityGroupEgressCommand).resolves({});
    ec2.on(RevokeSecurityGroupEgressCommand).resolves({});

    const out = await run(h.deps, base);

    expect(out).toEqual({ allowAll: { 'vpc-1': 'sg-allow' }, isolation: { 'vpc-1': 'sg-iso' } });
    expect(ec2).toHaveReceivedCommandTimes(CreateSecurityGroupCommand, 2);
    expect(ec2).not.toHaveReceivedCommand(ModifyNetworkInterfaceAttributeCommand);
    const audit = await h.ledger.listAudit(base.incidentId);
    expect(audit.find((e) => e.action === 'prepare-isolation')).toMatchObject({
      actor: 'workflow',
      detail: { status: 'ok', ids: ['sg-allow', 'sg-iso'] },
    });
    // Not a runbook step of the thread.
    expect((await h.ledger.getIncident(base.incidentId))?.steps ?? []).toEqual([]);
  });

  it('fails, naming the field, without a recorded pre-state (the state machine records it and goes on)', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');
    await expect(run(h.deps, base)).rejects.toMatchObject({ name: 'ValidationError', field: 'preState' });
    expect(ec2).not.toHaveReceivedCommand(DescribeSecurityGroupsCommand);
  });
});
