import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES_DIR = join(__dirname, '..', '..', '..', 'fixtures');

/** A fixture parsed fresh (tests mutate copies freely). */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name), 'utf8')) as T;
}

/** Every finding fixture: `gd-*.json` and `sh*.json` (read from the directory, so a new file is covered). */
export function findingFixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => /^(gd-|sh).*\.json$/.test(name))
    .sort();
}

/** A GuardDuty EventBridge envelope around a camelCase finding. */
export function guardDutyEvent(detail: Record<string, unknown>, eventId = 'evt-1'): Record<string, unknown> {
  return {
    version: '0',
    id: eventId,
    'detail-type': 'GuardDuty Finding',
    source: 'aws.guardduty',
    account: '123456789012',
    time: '2026-03-01T12:00:00Z',
    region: typeof detail.region === 'string' ? detail.region : 'us-east-1',
    resources: [],
    detail,
  };
}

/** A Security Hub EventBridge envelope around findings (ASFF for v1 detail-types, OCSF for V2). */
export function securityHubEvent(
  findings: unknown[],
  detailType = 'Security Hub Findings - Imported',
): Record<string, unknown> {
  return {
    version: '0',
    id: 'evt-sh-1',
    'detail-type': detailType,
    source: 'aws.securityhub',
    account: '123456789012',
    time: '2026-03-01T12:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { findings },
  };
}

type Container = Record<string, unknown> | unknown[];

function walk(root: unknown, path: string): { parent: Container; key: string } {
  const parts = path.split('.');
  const key = parts.pop() as string;
  let node: unknown = root;
  for (const part of parts) {
    if (typeof node !== 'object' || node === null) throw new Error(`no ${part} in ${path}`);
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node !== 'object' || node === null) throw new Error(`cannot reach ${path}`);
  return { parent: node as Container, key };
}

/** Reads a dotted path (`detail.resource.instanceDetails`, array indexes as numbers: `Findings.0`). */
export function getPath(root: unknown, path: string): unknown {
  const { parent, key } = walk(root, path);
  return (parent as Record<string, unknown>)[key];
}

/** Sets a dotted path in test data (the parent must exist). */
export function setPath(root: unknown, path: string, value: unknown): void {
  const { parent, key } = walk(root, path);
  (parent as Record<string, unknown>)[key] = value;
}

/** Deletes a dotted path in test data. */
export function deletePath(root: unknown, path: string): void {
  const { parent, key } = walk(root, path);
  delete (parent as Record<string, unknown>)[key];
}
