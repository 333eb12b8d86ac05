import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { configureAwsRetry } from '../../../../../workflow/aws/call';
import { closeIncident, SECURITY_HUB_AUDIT_ACTION } from '../../../../../workflow/domain/incident/close';
import { SecurityHubUpdateError } from '../../../../../workflow/domain/incident/errors';
import { CloseIncidentInputSchema, type CloseOutcome } from '../../../../../workflow/domain/incident/input';
import { ThrottledError } from '../../../../../workflow/errors';
import type { IncidentRequest } from '../../../../../workflow/intake/types';
import { makeRequest } from '../../../../helpers/requests';
import { auditActions, type Harness, makeHarness, seedIncident, throttlingError } from './harness';

const sh = mockClient(SecurityHubClient);
const FINDING = {
  id: 'arn:aws:securityhub:us-east-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/1b2c',
  productArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
};

beforeAll(() => configureAwsRetry({ baseDelayMs: 1, maxDelayMs: 2 }));
beforeEach(() => {
  sh.reset();
  sh.on(BatchUpdateFindingsCommand).resolves({
    ProcessedFindings: [{ Id: FINDING.id, ProductArn: FINDING.productArn }],
    UnprocessedFindings: [],
  });
});

const viaSecurityHub = (): IncidentRequest => makeRequest({ source: 'securityhub', securityHub: FINDING });

/**
 * An incident detected (received) at 12:00:00 and contained 90 s later, with a decided approval in the ledger;
 * the clock then stands at 12:10:00.
 */
async function contained(h: Harness, request: IncidentRequest, decision?: 'approve' | 'reject') {
  const base = await seedIncident(h, request, 'contain-ec2');
  await h.ledger.setStatus(base.incidentId, 'AWAITING_APPROVAL', { containedAt: '2025-03-01T12:01:30.000Z' });
  h.clock.advance(600);
  if (decision) {
    await h.ledger.createApproval({
      approvalId: 'apr-0123456789abcdef',
      incidentId: base.incidentId,
      taskToken: 'token',
      kind: 'primary',
      createdAt: '2025-03-01T11:59:40.000Z',
      expiresAt: '2025-03-01T15:59:40.000Z',
    });
    await h.ledger.decide('apr-0123456789abcdef', decision, 'U0ALICE', new Date('2025-03-01T12:05:00.000Z'));
  }
  return base;
}

function input(base: object, outcome: CloseOutcome, decision?: unknown) {
  return CloseIncidentInputSchema.parse({
    ...base,
    outcome,
    ...(decision !== undefined ? { decision } : {}),
  });
}

const approval = {
  approvalId: 'apr-0123456789abcdef',
  decision: 'approve',
  decidedBy: 'U0ALICE',
  decidedAt: '2025-03-01T12:05:00.000Z',
};
const rejection = {
  Error: 'DecisionRejected',
  Cause: JSON.stringify({
    approvalId: 'apr-0123456789abcdef',
    incidentId: 'x',
    decidedBy: 'U0ALICE',
    decidedAt: '2025-03-01T12:05:00.000Z',
  }),
};

describe('closeIncident', () => {
  it('approved: RESOLVED with decidedAt and closedAt, time-to-contain, Security Hub RESOLVED with the note', async () => {
    const h = makeHarness();
    const base = await contained(h, viaSecurityHub(), 'approve');

    const out = await closeIncident(h.clients, h.deps, input(base, 'approved', approval));

    expect(out).toEqual({ status: 'RESOLVED', timeToContainSeconds: 90, securityHubStatus: 'RESOLVED' });
    expect(sh).toHaveReceivedCommandTimes(BatchUpdateFindingsCommand, 1);
    expect(sh).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, {
      FindingIdentifiers: [{ Id: FINDING.id, ProductArn: FINDING.productArn }],
      Workflow: { Status: 'RESOLVED' },
      VerificationState: 'TRUE_POSITIVE',
      Note: {
        Text: `Airlock: contained and approved by Slack user U0ALICE at 2025-03-01T12:05:00.000Z; incident ${base.incidentId}`,
        UpdatedBy: 'airlock (Slack U0ALICE)',
      },
    });
    const incident = await h.ledger.getIncident(base.incidentId);
    expect(incident?.status).toBe('RESOLVED');
    expect(incident?.decidedAt).toBe('2025-03-01T12:05:00.000Z');
    expect(incident?.detectedAt).toBe('2025-03-01T12:00:00.000Z');
    expect(incident?.closedAt).toBe('2025-03-01T12:10:00.000Z');
    expect(incident?.approval).toMatchObject({ state: 'approved', decidedBy: 'U0ALICE' });
    const step = incident?.steps.find((s) => s.name === 'close-incident');
    expect(step?.summary).toContain('time to contain 90 s');
    expect(await auditActions(h, base.incidentId)).toContain(SECURITY_HUB_AUDIT_ACTION);
  });

  it('rejected: RESTORED, Security Hub SUPPRESSED "false positive, restored", decider read from the Catch Cause', async () => {
    const h = makeHarness();
    const base = await contained(h, viaSecurityHub());

    const out = await closeIncident(h.clients, h.deps, input(base, 'rejected', rejection));

    expect(out.status).toBe('RESTORED');
    expect(sh).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, {
      Workflow: { Status: 'SUPPRESSED' },
      VerificationState: 'FALSE_POSITIVE',
      Note: {
        Text: `Airlock: false positive, restored (rejected by Slack user U0ALICE at 2025-03-01T12:05:00.000Z); incident ${base.incidentId}`,
        UpdatedBy: 'airlock (Slack U0ALICE)',
      },
    });
    const incident = await h.ledger.getIncident(base.incidentId);
    expect(incident?.decidedAt).toBe('2025-03-01T12:05:00.000Z');
    expect(incident?.approval?.state).toBe('rejected');
  });

  it('unresolved: ESCALATED_UNRESOLVED and Security Hub NOTIFIED', async () => {
    const h = makeHarness();
    const base = await contained(h, viaSecurityHub());

    const out = await closeIncident(h.clients, h.deps, input(base, 'unresolved'));

    expect(out.status).toBe('ESCALATED_UNRESOLVED');
    expect(sh).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, { Workflow: { Status: 'NOTIFIED' } });
    expect((await h.ledger.getIncident(base.incidentId))?.decidedAt).toBeUndefined();
  });

  it('failed: FAILED, and Security Hub is left for the humans paged', async () => {
    const h = makeHarness();
    const base = await contained(h, viaSecurityHub());

    const out = await closeIncident(h.clients, h.deps, input(base, 'failed'));

    expect(out.status).toBe('FAILED');
    expect(sh).not.toHaveReceivedCommand(BatchUpdateFindingsCommand);
  });

  it('notified (a GuardDuty finding): NOTIFIED, no Security Hub call and no time-to-contain', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'notify');

    const out = await closeIncident(undefined, h.deps, input(base, 'notified'));

    expect(out).toEqual({ status: 'NOTIFIED' });
    expect(sh).not.toHaveReceivedAnyCommand();
    expect((await h.ledger.getIncident(base.incidentId))?.status).toBe('NOTIFIED');
  });

  it('changes nothing on a re-run: no second status write, no second BatchUpdateFindings', async () => {
    const h = makeHarness();
    const base = await contained(h, viaSecurityHub(), 'approve');
    await closeIncident(h.clients, h.deps, input(base, 'approved', approval));
    const closedAt = (await h.ledger.getIncident(base.incidentId))?.closedAt;
    const setStatusCalls = h.ledger.calls.filter((c) => c === 'setStatus').length;
    h.clock.advance(60);

    const again = await closeIncident(h.clients, h.deps, input(base, 'approved', approval));

    expect(again).toEqual({ status: 'RESOLVED', timeToContainSeconds: 90, securityHubStatus: 'RESOLVED' });
    expect(sh).toHaveReceivedCommandTimes(BatchUpdateFindingsCommand, 1);
    expect(h.ledger.calls.filter((c) => c === 'setStatus')).toHaveLength(setStatusCalls);
    expect((await h.ledger.getIncident(base.incidentId))?.closedAt).toBe(closedAt);
  });

  it('calls Security Hub on a re-run when the status is set but the earlier call is not recorded', async () => {
    const h = makeHarness();
    const base = await contained(h, viaSecurityHub());
    await h.ledger.setStatus(base.incidentId, 'ESCALATED_UNRESOLVED');

    await closeIncident(h.clients, h.deps, input(base, 'unresolved'));

    expect(sh).toHaveReceivedCommandTimes(BatchUpdateFindingsCommand, 1);
  });

  it('fails with SecurityHubUpdateError carrying the reason when the finding is unprocessed', async () => {
    const h = makeHarness();
    const base = await contained(h, viaSecurityHub(), 'approve');
    sh.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: FINDING.id, ProductArn: FINDING.productArn },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'Finding Not Found',
        },
      ],
    });

    const error = await closeIncident(h.clients, h.deps, input(base, 'approved', approval)).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(SecurityHubUpdateError);
    expect((error as Error).name).toBe('SecurityHubUpdateError');
    expect((error as Error).message).toContain('FindingNotFound: Finding Not Found');
    expect((await h.ledger.getIncident(base.incidentId))?.status).toBe('AWAITING_APPROVAL');
    expect(await auditActions(h, base.incidentId)).toContain('close-incident-failed');
  });

  it('a GuardDuty-native finding: derives Id and ProductArn (partition, region) and sets RESOLVED with the note', async () => {
    const h = makeHarness();
    const request = makeRequest({ source: 'guardduty' });
    const findingArn = `arn:aws:guardduty:${request.region}:${request.accountId}:detector/12abc34d567e8fa901bc2d34e56789f0/finding/${request.findingId}`;
    const base = await contained(h, { ...request, findingArn }, 'approve');

    const out = await closeIncident(h.clients, h.deps, input(base, 'approved', approval));

    expect(out.securityHubStatus).toBe('RESOLVED');
    expect(sh).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, {
      FindingIdentifiers: [
        { Id: findingArn, ProductArn: `arn:aws:securityhub:${request.region}::product/aws/guardduty` },
      ],
      Workflow: { Status: 'RESOLVED' },
    });
  });

  it('a GuardDuty-native finding where Security Hub is not enabled: skipped cleanly, with a thread line', async () => {
    const h = makeHarness();
    sh.on(BatchUpdateFindingsCommand).rejects(
      Object.assign(new Error('Account 123456789012 is not subscribed to AWS Security Hub'), {
        name: 'InvalidAccessException',
        $metadata: { httpStatusCode: 401 },
      }),
    );
    const request = makeRequest({ source: 'guardduty' });
    const findingArn = `arn:aws:guardduty:${request.region}:${request.accountId}:detector/12abc34d567e8fa901bc2d34e56789f0/finding/${request.findingId}`;
    const base = await contained(h, { ...request, findingArn }, 'approve');

    const out = await closeIncident(h.clients, h.deps, input(base, 'approved', approval));

    expect(out).toEqual({ status: 'RESOLVED', timeToContainSeconds: 90 });
    const step = (await h.ledger.getIncident(base.incidentId))?.steps.find(
      (s) => s.name === 'close-incident',
    );
    expect(step?.summary).toContain('Security Hub update skipped: Security Hub is not enabled');
    expect(await auditActions(h, base.incidentId)).toContain(`${SECURITY_HUB_AUDIT_ACTION}-skipped`);

    // A re-run (a Lambda retried after a lost response) finds the skip recorded: same output, no second call.
    expect(await closeIncident(h.clients, h.deps, input(base, 'approved', approval))).toEqual(out);
    expect(sh).toHaveReceivedCommandTimes(BatchUpdateFindingsCommand, 1);
  });

  it('fails with ThrottledError when Security Hub throttles (the state machine retries)', async () => {
    const h = makeHarness();
    const base = await contained(h, viaSecurityHub(), 'approve');
    sh.on(BatchUpdateFindingsCommand).rejects(throttlingError('TooManyRequestsException'));

    await expect(closeIncident(h.clients, h.deps, input(base, 'approved', approval))).rejects.toBeInstanceOf(
      ThrottledError,
    );
  });
});
