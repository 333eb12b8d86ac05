import { type KnownBlock, WebClient } from '@slack/web-api';
import {
  type Baselines,
  type FaultCase,
  type FaultPath,
  faultMatrix,
  runBaselines,
  runFaultCase,
} from '../../../bench/lib/faults';
import { configureAwsRetry } from '../../../workflow/aws/call';

jest.setTimeout(60_000);

/**
 * A representative subset of the fault matrix (bench/lib/faults.ts, `npm run bench:faults`), run through the
 * same functions as the bench, and negative controls showing that the comparison does fail.
 */

const SUBSET = [
  'throttle ec2 30%',
  'crash after ec2:CreateSnapshots, task retried',
  'lost response (5xx) after ec2:ReplaceIamInstanceProfileAssociation',
  'SnapshotVolumes fails once (ec2:CreateSnapshots #1, InternalError)',
  'Slack 5xx/429 storm during approval',
  'duplicate SendTaskSuccess (double click, spent token resent)',
  'approval click after the timeout',
  'Jira 5xx storm (503 on the next 4 calls): containment and approval unaffected, ticketing retried',
  'Jira 429 storm (Retry-After 30 s on the next 3 calls): ticketing retried by the state machine',
  'PagerDuty 5xx storm (3 × 503 on the containment page)',
  'PagerDuty 429 storm (3 × 429, Retry-After 60 s)',
  'PagerDuty 5xx storm on the escalation page (timeout path)',
];

function named(fault: string): FaultCase {
  const spec = faultMatrix().find((c) => c.fault === fault);
  if (!spec) throw new Error(`no row ${fault} in the matrix`);
  return spec;
}

let baselines: Partial<Baselines>;

function baseline(path: FaultPath) {
  const view = baselines[path];
  if (!view) throw new Error(`no ${path} baseline`);
  return view;
}

beforeAll(async () => {
  baselines = await runBaselines({ paths: ['approve', 'timeout', 'approve-jira'] });
});
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000, maxAttempts: 4 }));

describe('fault matrix over the EC2 drill', () => {
  it('has the fault-free runs it compares with: approved → RESOLVED, timed out twice → ESCALATED_UNRESOLVED', () => {
    expect(baseline('approve')).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    // Evidence: the demo estate's one public object, the pre-state's three, the four volatile sections and the
    // incident report (JSON and Markdown); Slack: the report shared in the thread by the final notice.
    expect(baseline('approve').counts).toMatchObject({
      snapshots: 2,
      evidenceObjects: 10,
      ssmCommands: 1,
      slackMessages: 16,
      // One PagerDuty alert for the incident: triggered when contained, resolved on approval.
      pagerDutyAlerts: 1,
      pagerDutyOpen: 0,
      pagerDutyAccepted: 2,
    });
    expect(baseline('timeout')).toMatchObject({
      status: 'ESCALATED_UNRESOLVED',
      executionStatus: 'SUCCEEDED',
    });
    expect(baseline('timeout').statesVisited).toContain('Escalate');
    // With the Jira sink: one issue, the approval as its one comment, moved to Done.
    expect(baseline('approve-jira')).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(baseline('approve-jira').counts).toMatchObject({
      jiraIssues: 1,
      jiraComments: 1,
      jiraIssuesDone: 1,
    });
  });

  it('a Jira storm retries the ticket states (StateRetried) and audits each failed attempt', async () => {
    const row = await runFaultCase(
      named(
        'Jira 5xx storm (503 on the next 4 calls): containment and approval unaffected, ticketing retried',
      ),
      baseline('approve-jira'),
    );
    expect(row).toMatchObject({ ok: true, injected: 4 });
    expect(row.stateRetries).toBeGreaterThanOrEqual(4);
  });

  it.each(SUBSET)('%s: same estate, ledger and Slack threads as without the fault', async (fault) => {
    const spec = named(fault);
    const row = await runFaultCase(spec, baseline(spec.path));
    expect(row.diff).toEqual([]);
    expect(row.ok).toBe(true);
    expect(row.injected).toBeGreaterThan(0);
  });

  it('retries a crashed or failed task in the state machine (StateRetried), not only per call', async () => {
    const row = await runFaultCase(
      named('SnapshotVolumes fails once (ec2:CreateSnapshots #1, InternalError)'),
      baseline('approve'),
    );
    expect(row).toMatchObject({ ok: true, injected: 1, stateRetries: 1 });
  });

  it('fails a row whose estate was changed after the drill (negative control)', async () => {
    const row = await runFaultCase(
      {
        fault: 'tampered estate',
        path: 'approve',
        tamper: (stack) => {
          const region = Object.values(stack.sim.model.state.accounts)
            .flatMap((a) => Object.values(a.regions))
            .find((r) => Object.keys(r.ec2.snapshots).length > 0);
          const [snapshotId] = Object.keys(region?.ec2.snapshots ?? {});
          if (!region || !snapshotId) throw new Error('no snapshot to remove');
          delete region.ec2.snapshots[snapshotId];
          for (const instance of Object.values(region.ec2.instances)) delete instance.tags.IncidentStatus;
        },
      },
      baseline('approve'),
    );
    expect(row.ok).toBe(false);
    expect(row.diff).toEqual(
      expect.arrayContaining([
        'count snapshots: expected 2, found 1',
        expect.stringMatching(/^estate .*\.ec2\.snapshots\."<snap:vol-[0-9a-f]+>": removed/),
        expect.stringMatching(/^estate .*\.tags\.IncidentStatus: removed \(was "Quarantined"\)/),
      ]),
    );
  });

  it('fails a row whose ledger differs (negative control)', async () => {
    const row = await runFaultCase(
      {
        fault: 'tampered ledger',
        path: 'approve',
        tamper: async (stack) => {
          // The execution name is the incident id.
          const id = stack.engine.list()[0]?.name ?? '';
          await stack.ledger.addEvidence(id, [
            { id: 's3://airlock-evidence/forged.bin', kind: 'other', at: new Date(0).toISOString() },
          ]);
        },
      },
      baseline('approve'),
    );
    expect(row.ok).toBe(false);
    expect(row.diff.some((line) => line.startsWith('ledger incident.evidence'))).toBe(true);
  });

  it('fails a row with a message posted twice in the incident thread (negative control)', async () => {
    const row = await runFaultCase(
      {
        fault: 'duplicated Slack message',
        path: 'approve',
        tamper: async (stack) => {
          const incident = await stack.ledger.getIncident(stack.engine.list()[0]?.name ?? '');
          const ref = incident?.slack;
          const manifest = ref
            ? stack.slack.thread(ref.channel, ref.ts).find((m) => m.text.startsWith('Evidence manifest'))
            : undefined;
          if (!ref || !manifest) throw new Error('no evidence manifest in the thread');
          const slack = new WebClient(stack.bot.botToken, { slackApiUrl: stack.slack.apiUrl });
          await slack.chat.postMessage({
            channel: ref.channel,
            thread_ts: ref.ts,
            text: manifest.text,
            blocks: manifest.blocks as KnownBlock[],
          });
        },
      },
      baseline('approve'),
    );
    expect(row.ok).toBe(false);
    expect(row.diff).toEqual(
      expect.arrayContaining([
        'count slackMessages: expected 16, found 17',
        expect.stringMatching(
          /^slack ".* Evidence manifest for inc-[0-9a-f]+: .*": expected 1 message\(s\), found 2$/,
        ),
      ]),
    );
  });

  it('fails a row whose PagerDuty alert was lost or left open (negative control)', async () => {
    const row = await runFaultCase(
      {
        fault: 'PagerDuty alert left open',
        path: 'approve',
        tamper: (stack) => {
          const alert = stack.pagerDuty?.alerts[0];
          if (!alert) throw new Error('no PagerDuty alert to reopen');
          alert.status = 'triggered';
        },
      },
      baseline('approve'),
    );
    expect(row.ok).toBe(false);
    expect(row.diff).toContain('count pagerDutyOpen: expected 0, found 1');
  });

  it('counts the PagerDuty retries: the storm was injected and the Page state retried', async () => {
    const row = await runFaultCase(
      named('PagerDuty 5xx storm (3 × 503 on the containment page)'),
      baseline('approve'),
    );
    expect(row).toMatchObject({ ok: true, injected: 3, stateRetries: 3 });
  });

  it('fails a row whose fault never happened (a vacuous row is not ok)', async () => {
    const row = await runFaultCase(
      {
        fault: 'throttle on a service the EC2 drill never calls (S3 Control)',
        path: 'approve',
        install: (stack) => {
          stack.sim.faults.throttle({ service: 's3control', rate: 1 });
        },
      },
      baseline('approve'),
    );
    expect(row).toMatchObject({ ok: false, injected: 0, diff: ['the fault was never injected'] });
  });

  it('fails when the run ends elsewhere: a permanent error compensates instead of resolving', async () => {
    const row = await runFaultCase(
      {
        fault: 'UnauthorizedOperation on CreateTags',
        path: 'approve',
        install: (stack) => {
          stack.sim.faults.failNth({
            service: 'ec2',
            operation: 'CreateTags',
            n: 1,
            error: 'UnauthorizedOperation',
          });
        },
      },
      baseline('approve'),
    );
    expect(row.ok).toBe(false);
    expect(row.diff).toEqual(
      expect.arrayContaining([
        'status: expected RESOLVED, found FAILED',
        'executionStatus: expected SUCCEEDED, found FAILED',
      ]),
    );
  });
});
