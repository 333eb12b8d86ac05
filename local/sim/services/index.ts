import type { ServiceName } from '../errors';
import { autoscalingHandlers } from './autoscaling';
import type { HandlerTable } from './common';
import { ec2Handlers } from './ec2';
import { elbv2Handlers } from './elbv2';
import { iamHandlers } from './iam';
import { s3Handlers } from './s3';
import { s3controlHandlers } from './s3control';
import { securityhubHandlers } from './securityhub';
import { ssmHandlers } from './ssm';

/** Every operation the simulator answers, per service. */
export const HANDLERS: Record<ServiceName, HandlerTable> = {
  ec2: ec2Handlers,
  iam: iamHandlers,
  ssm: ssmHandlers,
  s3: s3Handlers,
  s3control: s3controlHandlers,
  autoscaling: autoscalingHandlers,
  elbv2: elbv2Handlers,
  securityhub: securityhubHandlers,
};

/** `service.Operation` for every implemented operation, sorted (for docs and the coverage test). */
export function implementedOperations(): string[] {
  return Object.entries(HANDLERS)
    .flatMap(([service, table]) => Object.keys(table).map((op) => `${service}.${op}`))
    .sort();
}
