import { type ProductionClientOptions, productionClientFactory } from '../workflow/aws/client-factory';
import type { WorkflowSettings } from '../workflow/config';
import { planEc2Containment } from '../workflow/domain/ec2/plan';
import type { Planner } from '../workflow/domain/plan';

/**
 * `/ir isolate … --plan` in production: real SDK clients for the finding's account (the responder role
 * cross-account). bot/production.ts loads this module on the first `--plan` of a container, not at cold start:
 * it brings eight SDK clients (EC2, IAM, SSM, S3, S3 Control, Auto Scaling, ELBv2, Security Hub) that no other
 * request needs.
 */
export function productionPlanner(options: ProductionClientOptions, settings: WorkflowSettings): Planner {
  const clients = productionClientFactory(options);
  return async (target) => planEc2Containment(await clients(target), target, settings);
}
