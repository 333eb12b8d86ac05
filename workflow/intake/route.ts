import type { RoutingPolicy } from '../config';
import { primaryResourceId } from './request';
import type { IncidentRequest, ResourceKind, Route, RouteDecision } from './types';

export interface RouteOptions {
  /** The resource is protected even if the finding carries no tag for it (e.g. looked up by the caller). */
  protectedResource?: boolean;
}

const CONTAIN_ROUTE: Record<Exclude<ResourceKind, 'other'>, Route> = {
  'ec2-instance': 'contain-ec2',
  'iam-access-key': 'contain-iam',
  's3-bucket': 'contain-s3',
};
/** The routes that run a containment branch (the rest are notice-only). */
export const CONTAIN_ROUTES: ReadonlySet<Route> = new Set(Object.values(CONTAIN_ROUTE));

/**
 * The routing table (first rule that applies wins; every reason starts with the rule's name):
 * 1. `manual`: a responder's request → contain-ec2 (ask-before-contain if protected);
 * 2. `archived` → ignore; 3. `sample` (unless allowSampleFindings) → ignore;
 * 4. `override`: first policy override whose pattern matches the type (`*` wildcard);
 * 5. `actor`: resource role ACTOR → notify;
 * 6. severity ≥ containMinSeverity: `unsupported-resource` → notify, `protected` → ask-before-contain,
 *    else `contain` → contain-ec2 | contain-iam | contain-s3;
 * 7. `review`: severity in [reviewMinSeverity, containMinSeverity) → review;
 * 8. `low-severity` → ignore (recorded).
 * Deterministic: same request, policy and options → same decision.
 */
export function route(
  request: IncidentRequest,
  policy: RoutingPolicy,
  opts: RouteOptions = {},
): RouteDecision {
  const resource = describeResource(request);
  const protectedBy = protection(request, policy, opts);
  const sev = `${request.severity.value.toFixed(1)} (${request.severity.label})`;

  if (request.source === 'manual') {
    if (protectedBy) return askFirst(protectedBy, resource);
    const who = request.requester ? ` by <@${request.requester.slackUserId}>` : '';
    return decide('contain-ec2', `manual: isolation of ${resource} requested${who}`);
  }
  if (request.archived) return decide('ignore', 'archived: the finding is archived');
  if (request.sample && !policy.allowSampleFindings) {
    return decide('ignore', 'sample: a sample finding, and allowSampleFindings is off');
  }
  const override = policy.overrides.find((o) => globMatches(o.pattern, request.type));
  if (override) return applyOverride(override, request, resource, protectedBy);
  if (request.resourceRole === 'ACTOR') {
    return decide('notify', `actor: ${resource} is the actor in this finding, not its target: notify only`);
  }
  if (request.severity.value >= policy.containMinSeverity) {
    const contain = containRouteFor(request.resource.kind);
    if (!contain) {
      return decide(
        'notify',
        `unsupported-resource: severity ${sev} ≥ ${policy.containMinSeverity}, but Airlock cannot contain resource type ` +
          `${request.resource.rawType}: notify only`,
      );
    }
    if (protectedBy) return askFirst(protectedBy, resource);
    return decide(
      contain,
      `contain: severity ${sev} ≥ containMinSeverity ${policy.containMinSeverity} on ${resource}`,
    );
  }
  if (request.severity.value >= policy.reviewMinSeverity) {
    return decide(
      'review',
      `review: severity ${sev} is in [${policy.reviewMinSeverity}, ${policy.containMinSeverity}): review notice`,
    );
  }
  return decide(
    'ignore',
    `low-severity: severity ${sev} < reviewMinSeverity ${policy.reviewMinSeverity}: recorded, nothing done`,
  );
}

/** `*` matches any run of characters (slashes included); everything else is literal; the whole type must match. */
export function globMatches(pattern: string, type: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(type);
}

function applyOverride(
  override: { pattern: string; route: Route },
  request: IncidentRequest,
  resource: string,
  protectedBy: string | undefined,
): RouteDecision {
  const rule = `override: type ${request.type} matches '${override.pattern}'`;
  if (!CONTAIN_ROUTES.has(override.route)) return decide(override.route, `${rule} → ${override.route}`);
  const contain = containRouteFor(request.resource.kind);
  if (contain !== override.route) {
    return decide(
      'notify',
      `${rule} → ${override.route}, but the resource is ${request.resource.kind}: notify only`,
    );
  }
  if (protectedBy) return askFirst(protectedBy, resource, rule);
  return decide(override.route, `${rule} → ${override.route}`);
}

function containRouteFor(kind: ResourceKind): Route | undefined {
  return kind === 'other' ? undefined : CONTAIN_ROUTE[kind];
}

function askFirst(protectedBy: string, resource: string, rule?: string): RouteDecision {
  return decide(
    'ask-before-contain',
    `protected: ${resource} is protected (${protectedBy}): ask before containing${rule ? ` (${rule})` : ''}`,
  );
}

/** Why the resource is protected, or undefined. */
function protection(request: IncidentRequest, policy: RoutingPolicy, opts: RouteOptions): string | undefined {
  const { key, value } = policy.protectedTag;
  if (request.resource.tags?.[key] === value) return `tag ${key}=${value}`;
  if (opts.protectedResource) return 'marked protected by the caller';
  return undefined;
}

function describeResource(request: IncidentRequest): string {
  if (request.resource.kind === 'other') return `the ${request.resource.rawType} resource`;
  return `${request.resource.kind} ${primaryResourceId(request.resource, request.findingId)}`;
}

function decide(route: Route, reason: string): RouteDecision {
  return { route, reason };
}
