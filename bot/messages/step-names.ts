import type { StepRecord } from '../../workflow/ledger/types';

/** Words for people: each runbook step as done, and as something to do. Unknown steps keep their name. */
const STEP_WORDS: Record<string, { done: string; todo: string }> = {
  'record-pre-state': { done: 'Recorded the pre-state', todo: 'record the pre-state' },
  'capture-volatile-evidence': { done: 'Captured volatile evidence', todo: 'capture volatile evidence' },
  'isolate-network': { done: 'Isolated the network', todo: 'isolate the network' },
  'protect-evidence': { done: 'Protected the evidence', todo: 'protect the evidence' },
  'snapshot-volumes': { done: 'Snapshotted the volumes', todo: 'snapshot the volumes' },
  'tag-instance': { done: 'Tagged the instance', todo: 'tag the instance' },
  'revoke-instance-credentials': {
    done: 'Revoked the instance credentials',
    todo: 'revoke the instance credentials',
  },
  restore: { done: 'Restored the pre-containment state', todo: 'restore the pre-containment state' },
  'block-bucket-public-access': {
    done: 'Blocked public access to the bucket',
    todo: 'block public access to the bucket',
  },
  'close-incident': { done: 'Closed the incident', todo: 'close the incident' },
  'contain-access-key': { done: 'Contained the access key', todo: 'contain the access key' },
  'open-ticket': { done: 'Opened the ticket', todo: 'open the ticket' },
  'update-ticket': { done: 'Updated the ticket', todo: 'update the ticket' },
  'page-opened': { done: 'Paged the on-call (PagerDuty)', todo: 'page the on-call (PagerDuty)' },
  'page-escalated': { done: 'Paged the on-call: escalated', todo: 'page the on-call about the escalation' },
  'page-failed': {
    done: 'Paged the on-call: containment failed',
    todo: 'page the on-call about the failure',
  },
  'page-unresolved': { done: 'Paged the on-call: unresolved', todo: 'page the on-call: unresolved' },
  'page-resolved': { done: 'Resolved the on-call page', todo: 'resolve the on-call page' },
};

/** "Recorded the pre-state", "Skipped: capture volatile evidence", "Could not isolate the network". */
export function stepTitle(name: string, status: StepRecord['status']): string {
  const words = STEP_WORDS[name];
  if (!words) return name;
  switch (status) {
    case 'ok':
      return words.done;
    case 'skipped':
      return `Skipped: ${words.todo}`;
    case 'failed':
      return `Could not ${words.todo}`;
  }
}
