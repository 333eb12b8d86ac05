import { BatchUpdateFindingsCommand, GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { addFinding } from '../../../../local/sim/build';
import { demoSim, errorOf, HOME } from './helpers';

const productArn = 'arn:aws:securityhub:us-east-1::product/aws/guardduty';

describe('Security Hub', () => {
  it('updates workflow status and note of known findings and reports unknown ones as unprocessed', async () => {
    const { sim, clients } = demoSim();
    addFinding(sim.model, HOME, { id: 'finding-1', productArn });
    const out = await clients.securityhub.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [
          { Id: 'finding-1', ProductArn: productArn },
          { Id: 'finding-2', ProductArn: productArn },
        ],
        Workflow: { Status: 'RESOLVED' },
        Note: { Text: 'Contained by Airlock (inc-1)', UpdatedBy: 'airlock' },
      }),
    );
    expect(out.ProcessedFindings).toEqual([{ Id: 'finding-1', ProductArn: productArn }]);
    expect(out.UnprocessedFindings).toMatchObject([
      { FindingIdentifier: { Id: 'finding-2' }, ErrorCode: 'FindingNotFound' },
    ]);
    const got = await clients.securityhub.send(
      new GetFindingsCommand({ Filters: { Id: [{ Value: 'finding-1', Comparison: 'EQUALS' }] } }),
    );
    expect(got.Findings?.[0]).toMatchObject({
      Workflow: { Status: 'RESOLVED' },
      Note: { Text: 'Contained by Airlock (inc-1)', UpdatedBy: 'airlock' },
    });
  });

  it('rejects an invalid workflow status and a note without UpdatedBy', async () => {
    const { clients } = demoSim();
    const ids = [{ Id: 'finding-1', ProductArn: productArn }];
    const status = await errorOf(
      clients.securityhub.send(
        new BatchUpdateFindingsCommand({ FindingIdentifiers: ids, Workflow: { Status: 'DONE' as 'NEW' } }),
      ),
    );
    expect(status.name).toBe('InvalidInputException');
    const note = await errorOf(
      clients.securityhub.send(
        new BatchUpdateFindingsCommand({ FindingIdentifiers: ids, Note: { Text: 'x', UpdatedBy: '' } }),
      ),
    );
    expect(note.name).toBe('InvalidInputException');
  });
});
