import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { configureAwsRetry } from '../../../../../workflow/aws/call';
import { compensate } from '../../../../../workflow/domain/incident/compensate';
import { CompensateInputSchema } from '../../../../../workflow/domain/incident/input';
import { AssumeRoleError } from '../../../../../workflow/errors';
import type { IncidentRequest, Route } from '../../../../../workflow/intake/types';
import { makeAccessKeyRequest, makeRequest, TEST_INSTANCE_ID } from '../../../../helpers/requests';
import { auditActions, type Harness, makeHarness, seedIncident } from './harness';

const ec2 = mockClient(EC2Client);

beforeAll(() => configureAwsRetry({ baseDelayMs: 1, maxDelayMs: 2 }));
beforeEach(() => {
  ec2.reset();
  ec2.on(CreateTagsCommand).resolves({});
});

/** What Lambda puts in a Catch's Cause for a thrown error. */
const lambdaCause = (errorType: string, errorMessage: string) =>
  JSON.stringify({
    errorType,
    errorMessage,
    trace: [`${errorType}: ${errorMessage}`, '    at run (task.js:1:1)'],
  });

const SNAPSHOT_FAILURE = {
  Error: 'ResourceNotFoundError',
  Cause: lambdaCause(
    'ResourceNotFoundError',
    'ec2:CreateSnapshot vol-0abc: InvalidVolume.NotFound: The volume vol-0abc does not exist.',
  ),
};

async function seed(h: Harness, request: IncidentRequest = makeRequest(), route: Route = 'contain-ec2') {
  const base = await seedIncident(h, request, route);
  await h.ledger.setStatus(base.incidentId, 'CONTAINING');
  return base;
}

/** The audit trail runStep leaves: isolate-network throttled once then succeeded, snapshot-volume failed. */
async function auditOfFailedSnapshot(h: Harness, incidentId: string) {
  for (const action of [
    'record-pre-state',
    'isolate-network-failed',
    'isolate-network',
    'snapshot-volume-failed',
  ]) {
    h.clock.advance(1);
    await h.ledger.appendAudit({ incidentId, at: h.clock.now().toISOString(), actor: 'workflow', action });
  }
}

describe('compensate', () => {
  it('tags the instance with the failed step, records the failure as FAILED, pages on-call once', async () => {
    const h = makeHarness();
    const base = await seed(h);
    await auditOfFailedSnapshot(h, base.incidentId);
    const input = CompensateInputSchema.parse({ ...base, error: SNAPSHOT_FAILURE });

    const out = await compensate(async () => h.clients, h.deps, input);

    const cause = 'ec2:CreateSnapshot vol-0abc: InvalidVolume.NotFound: The volume vol-0abc does not exist.';
    expect(out).toEqual({ failedStep: 'snapshot-volume', error: 'ResourceNotFoundError', cause });
    expect(ec2).toHaveReceivedCommandTimes(CreateTagsCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(CreateTagsCommand, {
      Resources: [TEST_INSTANCE_ID],
      Tags: [
        { Key: 'airlock:containment-failed', Value: 'snapshot-volume' },
        { Key: 'airlock:incident-id', Value: base.incidentId },
      ],
    });
    // whatever containment succeeded is kept: no other EC2 call
    expect(ec2.calls()).toHaveLength(1);
    const incident = await h.ledger.getIncident(base.incidentId);
    expect(incident?.status).toBe('FAILED');
    expect(incident?.failure).toEqual({ step: 'snapshot-volume', error: 'ResourceNotFoundError', cause });
    const audit = await h.ledger.listAudit(base.incidentId);
    const needed = audit.filter((e) => e.action === 'on-call-needed');
    expect(needed).toHaveLength(1);
    expect(needed[0]?.detail?.reason).toBe(
      `Airlock containment of ${base.incidentId} failed at snapshot-volume: ResourceNotFoundError: ${cause}`,
    );
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['compensation-tagged', 'on-call-needed', 'compensated']),
    );
    expect(audit.find((e) => e.action === 'compensated')?.detail).toMatchObject({
      failedStep: 'snapshot-volume',
      tag: 'tagged',
      onCallNeeded: true,
    });
  });

  it('changes nothing on a re-run: no second tag, status write or on-call record', async () => {
    const h = makeHarness();
    const base = await seed(h);
    await auditOfFailedSnapshot(h, base.incidentId);
    const input = CompensateInputSchema.parse({ ...base, error: SNAPSHOT_FAILURE });
    const first = await compensate(async () => h.clients, h.deps, input);
    ec2.resetHistory();
    const setStatusCalls = h.ledger.calls.filter((c) => c === 'setStatus').length;

    const again = await compensate(async () => h.clients, h.deps, input);

    expect(again).toEqual(first);
    expect(ec2).not.toHaveReceivedCommand(CreateTagsCommand);
    expect(h.ledger.calls.filter((c) => c === 'setStatus')).toHaveLength(setStatusCalls);
    expect((await auditActions(h, base.incidentId)).filter((a) => a === 'on-call-needed')).toHaveLength(1);
  });

  it('still finishes when the instance is gone: records the tagging failure, FAILED, on-call needed', async () => {
    const h = makeHarness();
    const base = await seed(h);
    await auditOfFailedSnapshot(h, base.incidentId);
    ec2.on(CreateTagsCommand).rejects(
      Object.assign(new Error(`The instance ID '${TEST_INSTANCE_ID}' does not exist`), {
        name: 'InvalidInstanceID.NotFound',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const out = await compensate(
      async () => h.clients,
      h.deps,
      CompensateInputSchema.parse({ ...base, error: SNAPSHOT_FAILURE }),
    );

    expect(out.failedStep).toBe('snapshot-volume');
    const audit = await h.ledger.listAudit(base.incidentId);
    expect(audit.find((e) => e.action === 'compensation-tag-failed')?.detail?.error).toMatch(
      /^ResourceNotFoundError: ec2:CreateTags/,
    );
    expect(audit.some((e) => e.action === 'on-call-needed')).toBe(true);
    expect((await h.ledger.getIncident(base.incidentId))?.status).toBe('FAILED');
  });

  it('still finishes when the responder role cannot be assumed', async () => {
    const h = makeHarness();
    const base = await seed(h);
    const error = {
      Error: 'AssumeRoleError',
      Cause: lambdaCause('AssumeRoleError', 'AccessDenied on AirlockResponder'),
    };

    const out = await compensate(
      async () => {
        throw new AssumeRoleError('AccessDenied on AirlockResponder');
      },
      h.deps,
      CompensateInputSchema.parse({ ...base, error }),
    );

    expect(out).toEqual({
      failedStep: 'unknown',
      error: 'AssumeRoleError',
      cause: 'AccessDenied on AirlockResponder',
    });
    expect(ec2).not.toHaveReceivedAnyCommand();
    expect(await auditActions(h, base.incidentId)).toEqual(
      expect.arrayContaining(['compensation-tag-failed', 'on-call-needed', 'compensated']),
    );
  });

  it('tags nothing for an access-key incident, and names the failed AWS call from the error', async () => {
    const h = makeHarness();
    const base = await seed(h, makeAccessKeyRequest(), 'contain-iam');
    const message =
      'iam:UpdateAccessKey ci-deployer/AKIAIOSFODNN7EXAMPLE Inactive: AccessDenied: not authorized';
    const viaMessage = { Error: 'AccessDenied', Cause: lambdaCause('AccessDenied', message) };

    const out = await compensate(
      async () => h.clients,
      h.deps,
      CompensateInputSchema.parse({ ...base, error: viaMessage }),
    );

    expect(out.failedStep).toBe('iam:UpdateAccessKey');
    expect(out.error).toBe('AccessDenied');
    expect(ec2).not.toHaveReceivedAnyCommand();
    expect(
      (await h.ledger.listAudit(base.incidentId)).find((e) => e.action === 'compensated')?.detail?.tag,
    ).toBe('not-applicable');
  });

  it('keeps a Cause that is not JSON as it is', async () => {
    const h = makeHarness();
    const base = await seed(h);
    const error = { Error: 'States.Timeout', Cause: 'Task timed out after 70.00 seconds' };

    const out = await compensate(
      async () => h.clients,
      h.deps,
      CompensateInputSchema.parse({ ...base, error }),
    );

    expect(out).toEqual({
      failedStep: 'unknown',
      error: 'States.Timeout',
      cause: 'Task timed out after 70.00 seconds',
    });
  });
});
