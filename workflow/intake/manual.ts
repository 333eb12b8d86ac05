import * as z from 'zod';
import type { Scope } from '../config';
import { ValidationError } from '../errors';
import { parseWith } from './issues';
import { ACCOUNT_ID, compact, finishRequest, INSTANCE_ID } from './request';
import type { IncidentRequest } from './types';

/** What `/ir isolate` (and the "Contain now" button) hands to intake. */
export const ManualRequestSchema = z.object({
  kind: z.literal('manual'),
  instanceId: z
    .string()
    .regex(INSTANCE_ID, 'must be an EC2 instance id: i- followed by 8 or 17 lowercase hex characters'),
  requesterSlackUserId: z.string().min(1),
  reason: z.string().max(500).optional(),
  accountId: z.string().regex(ACCOUNT_ID, 'must be a 12-digit AWS account id').optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region name such as us-east-1')
    .optional(),
  /** Set by the "Contain now" button: the incident whose notice it was pressed on. */
  fromIncidentId: z
    .string()
    .regex(/^inc-[0-9a-f]{16}$/)
    .optional(),
});
export type ManualRequest = z.infer<typeof ManualRequestSchema>;

/** Defaults for a manual request that names no account or region. */
export interface ManualDefaults {
  scope?: Scope;
  defaultRegion?: string;
  now: Date;
}

/** A manual request's severity: it is a responder's decision, not a detector's score. */
export const MANUAL_SEVERITY = { value: 8, label: 'HIGH' } as const;

export function looksLikeManual(value: Record<string, unknown>): boolean {
  return value.kind === 'manual';
}

/**
 * `{kind: 'manual', instanceId, requesterSlackUserId, …}` → IncidentRequest. The finding id is
 * `manual:<instanceId>`, so the same request twice dedupes; account and region default from the scope.
 * @throws ValidationError naming the field (`instanceId`, `accountId`, `region` …)
 */
export function normalizeManual(raw: unknown, defaults: ManualDefaults): IncidentRequest {
  const input = parseWith(ManualRequestSchema, raw, '', 'manual request');
  const accountId = input.accountId ?? defaults.scope?.homeAccountId;
  if (!accountId)
    throw new ValidationError('no account id given and no home account configured', 'accountId');
  if (defaults.scope && !inScope(defaults.scope, accountId)) {
    throw new ValidationError(`account ${accountId} is not one Airlock may act in`, 'accountId');
  }
  const region = input.region ?? defaults.defaultRegion;
  if (!region) throw new ValidationError('no region given and no default region configured', 'region');
  const allowedRegions = defaults.scope?.allowedRegions ?? [];
  if (allowedRegions.length > 0 && !allowedRegions.includes(region)) {
    throw new ValidationError(`region ${region} is not one Airlock may act in`, 'region');
  }
  const at = defaults.now.toISOString();
  const who = `<@${input.requesterSlackUserId}>`;
  return finishRequest(
    compact({
      source: 'manual' as const,
      findingId: manualFindingId(input.instanceId),
      type: 'Manual:EC2/Isolate',
      severity: { ...MANUAL_SEVERITY },
      title: `Isolation of ${input.instanceId} requested by ${who}`,
      description: input.reason,
      accountId,
      region,
      resource: { kind: 'ec2-instance' as const, rawType: 'Instance', instanceId: input.instanceId },
      resourceRole: 'TARGET' as const,
      sample: false,
      archived: false,
      count: 1,
      firstSeen: at,
      lastSeen: at,
      requester: compact({ slackUserId: input.requesterSlackUserId, reason: input.reason }),
    }),
    { accountId: 'accountId', region: 'region', findingId: 'instanceId', instanceId: 'instanceId' },
  );
}

export function manualFindingId(instanceId: string): string {
  return `manual:${instanceId}`;
}

function inScope(scope: Scope, accountId: string): boolean {
  return accountId === scope.homeAccountId || scope.allowedAccountIds.includes(accountId);
}
