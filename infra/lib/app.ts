import { Annotations, type App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import type { BundlingMode } from './airlock-function';
import { AirlockStack } from './airlock-stack';
import { checkAirlockContext, parseResponderContext, readContext } from './config';
import { AirlockResponderStack } from './responder-stack';

export const IR_STACK = 'AirlockStack';
export const RESPONDER_STACK = 'AirlockResponderStack';

/**
 * Both stacks of the app. A missing or invalid IR setting does not throw: AirlockStack is then an empty stack
 * carrying the error annotations ("airlock: context value 'socChannelId' is required"), so `cdk synth` /
 * `cdk deploy AirlockStack` fail naming every value, while `cdk deploy AirlockResponderStack -c irAccountId=…`
 * (a member account, which has no Slack settings) still works.
 */
export function buildApp(app: App, options: { bundling: BundlingMode }) {
  const raw = readContext((key) => app.node.tryGetContext(key));
  const checked = checkAirlockContext(raw);
  let ir: Stack;
  if ('config' in checked) {
    ir = new AirlockStack(app, IR_STACK, {
      config: checked.config,
      bundling: options.bundling,
      description: 'Airlock: incident response runbooks (Step Functions) with Slack approval',
    });
  } else {
    ir = new Stack(app, IR_STACK, { description: 'Airlock (invalid configuration: see errors)' });
    for (const error of checked.errors) Annotations.of(ir).addError(error);
    // A no-op resource keeps the (never deployable) template well-formed, so the errors above are the only report.
    new CfnWaitConditionHandle(ir, 'InvalidConfiguration');
  }
  const responder = new AirlockResponderStack(app, RESPONDER_STACK, {
    config: parseResponderContext(raw),
    description: 'Airlock responder role and forensic instance profile (member accounts; StackSets-ready)',
  });
  return { ir, responder };
}
