import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SSMClient } from '@aws-sdk/client-ssm';
import type {
  AbsoluteLocation,
  InitializeHandlerOptions,
  InitializeMiddleware,
  MetadataBearer,
} from '@aws-sdk/types';
import type { AwsClients, AwsTarget, ClientFactory } from '../../workflow/aws/clients';
import type { ServiceName } from './errors';
import { SimulatorUnsupportedOperation } from './errors';
import { type FaultKind, Faults } from './faults';
import { reconcileHealth } from './health';
import { HOME_ACCOUNT_ID, HOME_REGION, SimModel, type SimModelOptions } from './model';
import { SIM_SECRET_ACCESS_KEY, simAccessKeyId } from './presigned';
import { HANDLERS } from './services';
import { makeContext } from './services/common';
import { type DiffOptions, diffEstates, type EstateSnapshot, snapshotState } from './snapshot';

/** One recorded call: what the code under test asked AWS. */
export interface SimCall {
  seq: number;
  service: ServiceName;
  operation: string;
  /** The SDK input, deep-copied as JSON (binary bodies as `<N bytes>`). */
  input: unknown;
  accountId: string;
  region: string;
  at: string;
  /** The error name when the call failed (e.g. `InvalidGroup.Duplicate`, `RequestLimitExceeded`). */
  error?: string;
  /** Set when the error (or crash) was injected by a fault. */
  injected?: FaultKind;
  /**
   * Logical ticks (one counter for every call start and end) when the call began and when it settled: two calls
   * overlapped, i.e. were in flight together, when neither ended before the other began.
   */
  startTick: number;
  endTick?: number;
}

export interface CallFilter {
  service?: ServiceName;
  operation?: string;
  accountId?: string;
  region?: string;
  /** Only calls that succeeded (true) or failed (false). */
  ok?: boolean;
}

export interface SimulatedAwsOptions extends SimModelOptions {
  /** The account whose clients `clients()` returns by default (Airlock's home). Default 111122223333. */
  homeAccountId?: string;
  /** Default region. Default us-east-1. */
  region?: string;
  /** Seed for fault injection's PRNG. Default 1. */
  seed?: number;
  /** How latency faults wait. Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

const READ_ONLY = /^(Describe|Get|List|Head)/;

/** A JSON-safe copy for the call log. */
function loggable(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(loggable);
  if (typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) return `<${value.constructor?.name ?? 'object'}>`;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, loggable(v)]));
  }
  if (typeof value === 'function') return undefined;
  return value;
}

/** A copy of the input the model may keep: plain data copied, streams and blobs passed through. */
function cloneInput(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(cloneInput);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneInput(v)]));
  }
  return value;
}

interface StackLike {
  add(
    middleware: InitializeMiddleware<object, MetadataBearer>,
    options: InitializeHandlerOptions & AbsoluteLocation,
  ): void;
}

/**
 * A simulated AWS: any number of accounts and regions, in memory, behind the real SDK v3 clients. Each client gets
 * one middleware at the very start of its stack (step `initialize`, priority high) that answers the command from
 * the model; nothing is serialized, signed or sent. The domain code is therefore byte-identical in drills and in
 * AWS. The SDK's retry middleware runs later in the stack, so simulated throttles are not retried by the SDK
 * (Airlock's own retry and the state machine's Retry handle them), and clients use `maxAttempts: 1` regardless.
 */
export class SimulatedAws {
  readonly model: SimModel;
  readonly faults: Faults;
  readonly home: AwsTarget;
  private readonly log: SimCall[] = [];
  private seq = 0;
  private tick = 0;
  private readonly cache = new Map<string, AwsClients>();

  constructor(options: SimulatedAwsOptions = {}) {
    this.model = new SimModel(options);
    this.home = {
      accountId: options.homeAccountId ?? HOME_ACCOUNT_ID,
      region: options.region ?? HOME_REGION,
    };
    this.faults = new Faults(
      options.seed ?? 1,
      options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    );
  }

  /** Real SDK clients for an account and region (default: home), answering from the model. Cached per target. */
  clients(target: Partial<AwsTarget> = {}): AwsClients {
    const t: AwsTarget = {
      accountId: target.accountId ?? this.home.accountId,
      region: target.region ?? this.home.region,
    };
    const key = `${t.accountId}:${t.region}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const config = {
      region: t.region,
      // The access key names the account, so a presigned URL's signer is known (local/sim/presigned.ts).
      credentials: { accessKeyId: simAccessKeyId(t.accountId), secretAccessKey: SIM_SECRET_ACCESS_KEY },
      maxAttempts: 1,
    };
    const clients: AwsClients = {
      ec2: this.wire(new EC2Client(config), 'ec2', t),
      iam: this.wire(new IAMClient(config), 'iam', t),
      ssm: this.wire(new SSMClient(config), 'ssm', t),
      s3: this.wire(new S3Client(config), 's3', t),
      s3control: this.wire(new S3ControlClient(config), 's3control', t),
      autoscaling: this.wire(new AutoScalingClient(config), 'autoscaling', t),
      elbv2: this.wire(new ElasticLoadBalancingV2Client(config), 'elbv2', t),
      securityhub: this.wire(new SecurityHubClient(config), 'securityhub', t),
    };
    this.cache.set(key, clients);
    return clients;
  }

  /** The `ClientFactory` the workflow's tasks take. */
  clientFactory(): ClientFactory {
    return async (target) => this.clients(target);
  }

  private wire<C extends { middlewareStack: unknown }>(
    client: C,
    service: ServiceName,
    target: AwsTarget,
  ): C {
    const middleware: InitializeMiddleware<object, MetadataBearer> = (_next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (!operation) throw new Error(`simulator: the ${service} client gave no command name`);
      const output = await this.dispatch(service, operation, args.input, target);
      return { output, response: undefined };
    };
    (client.middlewareStack as StackLike).add(middleware, {
      step: 'initialize',
      priority: 'high',
      name: 'airlockSimulator',
      tags: ['AIRLOCK_SIMULATOR'],
    });
    return client;
  }

  /** Answers one call from the model (what the middleware does; public so tests can drive it directly). */
  async dispatch(
    service: ServiceName,
    operation: string,
    input: unknown,
    target: AwsTarget,
  ): Promise<MetadataBearer> {
    this.seq += 1;
    const requestId = `sim-${this.seq.toString(16).padStart(8, '0')}`;
    const call: SimCall = {
      seq: this.seq,
      service,
      operation,
      input: loggable(input),
      accountId: target.accountId,
      region: target.region,
      at: this.model.iso(),
      startTick: ++this.tick,
    };
    this.log.push(call);
    // Yield once, as a network call would, so concurrent sends really interleave.
    await Promise.resolve();
    // Health checks run as time passes: an instance can be found unhealthy and replaced between two calls.
    reconcileHealth(this.model);
    try {
      const handler = HANDLERS[service][operation];
      if (!handler) throw new SimulatorUnsupportedOperation(service, operation);
      const fault = await this.faults.before({ service, operation, accountId: target.accountId });
      if (fault) {
        call.injected = fault.kind;
        throw fault.error;
      }
      const output = (await handler(makeContext(this.model, target, service), cloneInput(input))) as object;
      reconcileHealth(this.model); // a health check starts failing when the change is made, not when next seen
      const crash = this.faults.after({ service, operation, accountId: target.accountId });
      if (crash) {
        call.injected = 'crashAfter';
        throw crash;
      }
      return { ...output, $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 } };
    } catch (error) {
      call.error = (error as Error)?.name ?? 'Error';
      const metadata = (error as { $metadata?: { requestId?: string } })?.$metadata;
      if (metadata && !metadata.requestId) metadata.requestId = requestId;
      throw error;
    } finally {
      call.endTick = ++this.tick;
    }
  }

  /** Recorded calls (copies), optionally filtered. */
  calls(filter: CallFilter = {}): SimCall[] {
    return this.log
      .filter(
        (c) =>
          (filter.service === undefined || c.service === filter.service) &&
          (filter.operation === undefined || c.operation === filter.operation) &&
          (filter.accountId === undefined || c.accountId === filter.accountId) &&
          (filter.region === undefined || c.region === filter.region) &&
          (filter.ok === undefined || (c.error === undefined) === filter.ok),
      )
      .map((c) => structuredClone(c));
  }

  /**
   * Calls that may change something (every operation but Describe*, Get*, List*, Head*), failed ones included,
   * except a conditional write its own precondition refused (412 PreconditionFailed, e.g. `If-None-Match: *` on an
   * existing key): S3 applies nothing then, so it is a check, not a change.
   */
  mutations(filter: CallFilter = {}): SimCall[] {
    return this.calls(filter).filter(
      (c) => !READ_ONLY.test(c.operation) && !(c.error === 'PreconditionFailed' && c.injected === undefined),
    );
  }

  clearCalls(): void {
    this.log.length = 0;
  }

  /** The whole estate now, deep and JSON-serializable (see EstateSnapshot). */
  snapshot(): EstateSnapshot {
    return snapshotState(this.model.state);
  }

  /** Differences between two snapshots (volatile fields ignored unless `ignoreVolatile: false`). */
  diff(a: EstateSnapshot, b: EstateSnapshot, options?: DiffOptions): string[] {
    return diffEstates(a, b, options);
  }
}

/** The name docs/ARCHITECTURE.md uses: one simulated AWS with a home account (and any others). */
export { SimulatedAws as SimulatedAccount };
