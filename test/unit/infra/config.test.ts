import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  AirlockContextSchema,
  checkAirlockContext,
  parseAirlockContext,
  parseResponderContext,
  REQUIRED_CONTEXT,
} from '../../../infra/lib/config';
import { WorkflowSettingsSchema } from '../../../workflow/config';
import { CONTEXT, synthApp } from './synth';

import cdkJson = require('../../../cdk.json');

const without = (key: string) => Object.fromEntries(Object.entries(CONTEXT).filter(([k]) => k !== key));

describe('deploy-time configuration (cdk.json context)', () => {
  it.each(REQUIRED_CONTEXT)("fails when '%s' is missing, naming it", (key) => {
    expect(() => parseAirlockContext(without(key))).toThrow(`airlock: context value '${key}' is required`);
  });

  it('fails naming every missing value at once, and treats "" as missing', () => {
    const result = checkAirlockContext({ ...CONTEXT, socChannelId: '', slackBotId: '  ' });
    expect(result).toEqual({
      errors: [
        "airlock: context value 'socChannelId' is required",
        "airlock: context value 'slackBotId' is required",
      ],
    });
  });

  it('rejects a channel name where a channel id is expected', () => {
    expect(() => parseAirlockContext({ ...CONTEXT, socChannelId: '#soc' })).toThrow(
      /context value 'socChannelId' is invalid: a Slack channel id/,
    );
  });

  it('rejects a malformed account id and an unknown isolation mode', () => {
    const result = checkAirlockContext({ ...CONTEXT, allowedAccountIds: '12345', isolationMode: 'unplug' });
    const errors = 'errors' in result ? result.errors : [];
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringContaining("'allowedAccountIds' is invalid"),
        expect.stringContaining("'isolationMode' is invalid"),
      ]),
    );
  });

  it('rejects a review threshold above the contain threshold', () => {
    expect(() =>
      parseAirlockContext({ ...CONTEXT, reviewMinSeverity: '8', containMinSeverity: '7' }),
    ).toThrow(/'reviewMinSeverity' is invalid/);
  });

  it('accepts -c strings (lists, numbers, booleans) and cdk.json JSON values alike', () => {
    const fromCli = parseAirlockContext({ ...CONTEXT, approvalTimeoutSeconds: '600', fourEyes: 'false' });
    const fromJson = parseAirlockContext({
      ...CONTEXT,
      responderUserIds: ['U0RESP0001', 'U0RESP0002'],
      allowedAccountIds: ['111111111111', '222222222222'],
      approvalTimeoutSeconds: 600,
      fourEyes: false,
    });
    expect(fromCli).toEqual(fromJson);
    expect(fromCli.slack.responderUserIds).toEqual(['U0RESP0001', 'U0RESP0002']);
    expect(fromCli.context.approvalTimeoutSeconds).toBe(600);
    expect(fromCli.slack.fourEyes).toBe(false);
  });

  it('takes the workflow defaults from workflow/config.ts', () => {
    const { context } = parseAirlockContext(CONTEXT);
    const defaults = WorkflowSettingsSchema.parse({});
    expect(context.approvalTimeoutSeconds).toBe(defaults.approvalTimeoutSeconds);
    expect(context.escalationTimeoutSeconds).toBe(defaults.escalationTimeoutSeconds);
    expect(context.captureBoundSeconds).toBe(defaults.captureBoundSeconds);
    expect(context.isolationMode).toBe(defaults.isolationMode);
    expect(context.forensicInstanceProfileName).toBe(defaults.forensicInstanceProfileName);
  });

  it('cdk.json documents every context key, with the schema defaults (required ones empty)', () => {
    const documented = cdkJson.context as Record<string, unknown>;
    for (const key of Object.keys(AirlockContextSchema.shape)) expect(documented).toHaveProperty(key);
    for (const key of REQUIRED_CONTEXT) expect(documented[key]).toBe('');
    const parsed = parseAirlockContext({ ...documented, ...CONTEXT });
    expect(parsed.context.evidenceRetentionDays).toBe(documented.evidenceRetentionDays);
    expect(parsed.context.namePrefix).toBe(documented.namePrefix);
    expect(cdkJson.app).toBe('npx tsx infra/bin/airlock.ts');
  });

  it('responder context needs no Slack settings, and validates the IR account id', () => {
    expect(parseResponderContext({ irAccountId: '999999999999' }).responderRoleName).toBe('AirlockResponder');
    expect(() => parseResponderContext({ irAccountId: '9999' })).toThrow(/'irAccountId' is invalid/);
  });
});

describe('the app with missing settings', () => {
  it('fails synth of AirlockStack naming the missing value, and still builds the responder stack', () => {
    const { ir, responder } = synthApp({ irAccountId: '999999999999', socChannelId: 'C0SOC00001' });
    const errors = Annotations.fromStack(ir)
      .findError('*', Match.stringLikeRegexp('^airlock: '))
      .map((m) => m.entry.data);
    expect(errors).toEqual(
      expect.arrayContaining([
        "airlock: context value 'reviewChannelId' is required",
        "airlock: context value 'socLeadUserId' is required",
        "airlock: context value 'slackBotId' is required",
        "airlock: context value 'slackBotUserId' is required",
      ]),
    );
    expect(errors).not.toContain("airlock: context value 'socChannelId' is required");
    // Planner, containment, restore, forensic and the finding forwarder.
    Template.fromStack(responder).resourceCountIs('AWS::IAM::Role', 5);
  });
});
