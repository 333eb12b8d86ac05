import { App, Aspects, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AirlockStack } from '../../../infra/lib/airlock-stack';
import { buildApp } from '../../../infra/lib/app';
import { parseAirlockContext, parseResponderContext } from '../../../infra/lib/config';
import { AirlockResponderStack } from '../../../infra/lib/responder-stack';

/** Valid context: every required value, two member accounts, two regions. */
export const CONTEXT = {
  socChannelId: 'C0SOC00001',
  reviewChannelId: 'C0REVIEW01',
  socLeadUserId: 'U0LEAD0001',
  slackBotId: 'B0BOT00001',
  slackBotUserId: 'U0BOT00001',
  responderUserIds: 'U0RESP0001,U0RESP0002',
  allowedAccountIds: '111111111111,222222222222',
  allowedRegions: 'eu-west-1,us-east-1',
  irAccountId: '999999999999',
  irRegion: 'eu-west-1',
} as const;

/** AirlockStack with bundling stubbed (inline placeholders) and cdk-nag AwsSolutions applied. */
export function synthIrStack(context: Record<string, unknown> = CONTEXT): {
  stack: AirlockStack;
  template: Template;
} {
  const app = new App();
  const stack = new AirlockStack(app, 'AirlockStack', {
    config: parseAirlockContext(context),
    bundling: 'none',
  });
  Aspects.of(app).add(new AwsSolutionsChecks());
  const template = Template.fromStack(stack);
  return { stack, template };
}

export function synthResponderStack(context: Record<string, unknown> = CONTEXT): {
  stack: AirlockResponderStack;
  template: Template;
} {
  const app = new App();
  const stack = new AirlockResponderStack(app, 'AirlockResponderStack', {
    config: parseResponderContext(context),
  });
  Aspects.of(app).add(new AwsSolutionsChecks());
  const template = Template.fromStack(stack);
  return { stack, template };
}

/** The whole app as `infra/bin/airlock.ts` builds it, from raw context. */
export function synthApp(context: Record<string, unknown>) {
  const app = new App({ context });
  return buildApp(app, { bundling: 'none' });
}

export function nagFindings(stack: Stack): { errors: string[]; warnings: string[] } {
  const pattern = Match.stringLikeRegexp('AwsSolutions-.*');
  const annotations = Annotations.fromStack(stack);
  return {
    errors: annotations.findError('*', pattern).map((m) => `${m.id}: ${String(m.entry.data)}`),
    warnings: annotations.findWarning('*', pattern).map((m) => `${m.id}: ${String(m.entry.data)}`),
  };
}
