import * as autoscaling from '@aws-sdk/client-auto-scaling';
import * as ec2 from '@aws-sdk/client-ec2';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import * as iam from '@aws-sdk/client-iam';
import * as s3 from '@aws-sdk/client-s3';
import * as s3control from '@aws-sdk/client-s3-control';
import * as securityhub from '@aws-sdk/client-securityhub';
import * as ssm from '@aws-sdk/client-ssm';

/** The services the simulator answers, keyed as in `AwsClients`. */
export type ServiceName =
  | 'ec2'
  | 'iam'
  | 'ssm'
  | 's3'
  | 's3control'
  | 'autoscaling'
  | 'elbv2'
  | 'securityhub';

export const SERVICE_NAMES: readonly ServiceName[] = [
  'ec2',
  'iam',
  'ssm',
  's3',
  's3control',
  'autoscaling',
  'elbv2',
  'securityhub',
];

interface ExceptionOptions {
  name: string;
  message: string;
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number; requestId?: string; attempts: number; totalRetryDelay: number };
}
type ExceptionCtor = new (options: ExceptionOptions) => Error;

const MODULES: Record<ServiceName, { base: ExceptionCtor; exports: Record<string, unknown> }> = {
  ec2: { base: ec2.EC2ServiceException as unknown as ExceptionCtor, exports: ec2 },
  iam: { base: iam.IAMServiceException as unknown as ExceptionCtor, exports: iam },
  ssm: { base: ssm.SSMServiceException as unknown as ExceptionCtor, exports: ssm },
  s3: { base: s3.S3ServiceException as unknown as ExceptionCtor, exports: s3 },
  s3control: { base: s3control.S3ControlServiceException as unknown as ExceptionCtor, exports: s3control },
  autoscaling: {
    base: autoscaling.AutoScalingServiceException as unknown as ExceptionCtor,
    exports: autoscaling,
  },
  elbv2: {
    base: elbv2.ElasticLoadBalancingV2ServiceException as unknown as ExceptionCtor,
    exports: elbv2,
  },
  securityhub: {
    base: securityhub.SecurityHubServiceException as unknown as ExceptionCtor,
    exports: securityhub,
  },
};

/** The modeled exception class for a wire error code (IAM `NoSuchEntity` → `NoSuchEntityException`), if any. */
function modeledClass(service: ServiceName, code: string): ExceptionCtor | undefined {
  const { base, exports } = MODULES[service];
  for (const candidate of [code, `${code}Exception`]) {
    const ctor = exports[candidate];
    if (typeof ctor === 'function' && ctor.prototype instanceof base) return ctor as ExceptionCtor;
  }
  return undefined;
}

export interface SimErrorOptions {
  status?: number;
  fault?: 'client' | 'server';
  requestId?: string;
}

/**
 * An error as the real SDK client would throw it: an instance of the service's exception class (so both
 * `instanceof EC2ServiceException` and, for modeled errors, `instanceof NoSuchEntityException` hold), with
 * `name`, `$fault` and `$metadata.httpStatusCode`. Modeled errors carry the SDK's class name (IAM's NoSuchEntity
 * surfaces as `NoSuchEntityException`, exactly as from AWS); unmodeled ones carry the wire code
 * (`InvalidGroup.Duplicate`, `RequestLimitExceeded`, `Throttling`).
 */
export function awsError(service: ServiceName, code: string, message: string, options: SimErrorOptions = {}) {
  const status = options.status ?? 400;
  const fault = options.fault ?? (status >= 500 ? 'server' : 'client');
  const $metadata = {
    httpStatusCode: status,
    ...(options.requestId ? { requestId: options.requestId } : {}),
    attempts: 1,
    totalRetryDelay: 0,
  };
  const Modeled = modeledClass(service, code);
  if (Modeled) {
    // Modeled classes set their own name and $fault; only an explicit fault overrides the model's.
    const error = new (
      Modeled as new (o: {
        message: string;
        $metadata: ExceptionOptions['$metadata'];
      }) => Error
    )({
      message,
      $metadata,
    });
    return Object.assign(error, options.fault ? { $fault: fault } : {});
  }
  const { base: Base } = MODULES[service];
  const error = new Base({ name: code, message, $fault: fault, $metadata });
  return Object.assign(error, { Code: code });
}

/** Throttling as each service reports it. */
export const THROTTLE: Record<ServiceName, { code: string; status: number }> = {
  ec2: { code: 'RequestLimitExceeded', status: 503 },
  iam: { code: 'Throttling', status: 400 },
  autoscaling: { code: 'Throttling', status: 400 },
  elbv2: { code: 'Throttling', status: 400 },
  ssm: { code: 'ThrottlingException', status: 400 },
  securityhub: { code: 'ThrottlingException', status: 429 },
  s3: { code: 'SlowDown', status: 503 },
  s3control: { code: 'TooManyRequestsException', status: 429 },
};

/** A 5xx as each service reports it. */
export const SERVER_ERROR: Record<ServiceName, { code: string; status: number }> = {
  ec2: { code: 'InternalError', status: 500 },
  iam: { code: 'ServiceFailure', status: 500 },
  autoscaling: { code: 'InternalFailure', status: 500 },
  elbv2: { code: 'ServiceUnavailable', status: 503 },
  ssm: { code: 'InternalServerError', status: 500 },
  securityhub: { code: 'InternalException', status: 500 },
  s3: { code: 'InternalError', status: 500 },
  s3control: { code: 'InternalError', status: 500 },
};

/** Thrown for an operation the simulator does not model, so gaps are obvious (never mistaken for AWS). */
export class SimulatorUnsupportedOperation extends Error {
  constructor(
    readonly service: ServiceName,
    readonly operation: string,
  ) {
    super(`SimulatorUnsupportedOperation: ${service}.${operation}`);
    this.name = 'SimulatorUnsupportedOperation';
  }
}

/** The error crashAfter throws after applying a call's side effect (a task that died before returning). */
export class SimulatedCrash extends Error {
  constructor(
    readonly service: ServiceName,
    readonly operation: string,
  ) {
    super(`SimulatedCrash: ${service}.${operation} applied its side effect, then the caller crashed`);
    this.name = 'SimulatedCrash';
  }
}
