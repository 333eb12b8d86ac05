import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ValidationError } from '../../../../workflow/errors';
import { run } from '../../../../workflow/tasks/close-incident';
import { makeRequest, TEST_ACCOUNT_ID, TEST_REGION } from '../../../helpers/requests';
import { makeHarness, seedIncident } from '../domain/incident/harness';

const sh = mockClient(SecurityHubClient);
beforeEach(() => {
  sh.reset();
  sh.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
});

describe('CloseIncident task', () => {
  it('asks for no AWS clients when the finding did not come through Security Hub', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'notify');

    const out = await run(h.deps, { ...base, outcome: 'notified' });

    expect(out).toEqual({ status: 'NOTIFIED' });
    expect(h.targets).toEqual([]);
  });

  it('updates a Security Hub finding through clients for the finding’s account and region', async () => {
    const h = makeHarness();
    const securityHub = {
      id: 'finding-1',
      productArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty',
    };
    const base = await seedIncident(h, makeRequest({ source: 'securityhub', securityHub }), 'contain-ec2');

    const out = await run(h.deps, { ...base, outcome: 'unresolved' });

    expect(out).toEqual({ status: 'ESCALATED_UNRESOLVED', securityHubStatus: 'NOTIFIED' });
    expect(h.targets).toEqual([
      { accountId: TEST_ACCOUNT_ID, region: TEST_REGION, incidentId: expect.stringMatching(/^inc-/) },
    ]);
    expect(sh).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, {
      FindingIdentifiers: [{ Id: 'finding-1', ProductArn: securityHub.productArn }],
    });
  });

  it('rejects an unknown outcome, naming the field', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');

    const error = await run(h.deps, { ...base, outcome: 'closed' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('outcome');
  });
});
