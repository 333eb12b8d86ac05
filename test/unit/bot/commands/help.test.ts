import { helpCommand } from '../../../../bot/commands/help';
import { stepTitle } from '../../../../bot/messages/step-names';
import { expectValidMessage } from '../messages/expect-valid';

describe('/ir help: whether the on-call is paged', () => {
  it('says paging is on (PagerDuty) when a routing key is configured', () => {
    const m = helpCommand(undefined, 'pagerduty');
    expectValidMessage(m);
    expect(JSON.stringify(m.blocks)).toContain('Paging is on: Airlock pages the on-call through PagerDuty');
    expect(m.text).toContain('Paging is on');
  });

  it('says paging is off when no routing key is configured', () => {
    const m = helpCommand(undefined, 'off');
    expectValidMessage(m);
    expect(JSON.stringify(m.blocks)).toContain('Paging is off: no PagerDuty routing key is configured');
  });

  it('keeps the commands and the problem, and adds one line only', () => {
    const plain = helpCommand('Unknown subcommand `x`.');
    const withPaging = helpCommand('Unknown subcommand `x`.', 'off');
    expect(withPaging.blocks.slice(0, plain.blocks.length)).toEqual(plain.blocks);
    expect(withPaging.blocks).toHaveLength(plain.blocks.length + 1);
  });
});

describe('page steps in the thread', () => {
  it('names each page outcome for people', () => {
    expect(stepTitle('page-opened', 'ok')).toBe('Paged the on-call (PagerDuty)');
    expect(stepTitle('page-opened', 'failed')).toBe('Could not page the on-call (PagerDuty)');
    expect(stepTitle('page-opened', 'skipped')).toBe('Skipped: page the on-call (PagerDuty)');
    expect(stepTitle('page-resolved', 'ok')).toBe('Resolved the on-call page');
  });
});
