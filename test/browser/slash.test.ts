import { DEMO } from '../../local/sim';
import { type Drill, messages, startDrill } from './harness';

jest.setTimeout(30_000);

describe('drill workspace: slash commands in the composer', () => {
  let drill: Drill;
  beforeAll(async () => {
    drill = await startDrill();
  });
  afterAll(async () => {
    await drill?.close();
  });

  it('shows the ephemeral answers of /ir isolate, /ir status and /ir list', async () => {
    const { page } = drill;
    const composer = page.getByLabel('Slash command in #soc-incidents');
    await composer.fill(`/ir isolate ${DEMO.instances.webAsg1} reason drill: miner seen`);
    await composer.press('Enter');
    const started = messages(page)
      .locator('.ephemeral')
      .filter({ hasText: /Opened inc-[0-9a-f]{16}/ });
    await started.getByText('Only visible to you').waitFor();
    const incidentId = /inc-[0-9a-f]{16}/.exec((await started.textContent()) ?? '')?.[0];
    if (!incidentId) throw new Error('no incident id in the answer');
    await expect(composer.inputValue()).resolves.toBe('');

    // The card for the manual request is posted by the workflow.
    await messages(page).getByText(`requested by`, { exact: false }).first().waitFor();

    await composer.fill(`/ir status ${incidentId}`);
    await composer.press('Enter');
    await messages(page).locator('.ephemeral').filter({ hasText: incidentId }).nth(1).waitFor();

    await composer.fill('/ir list');
    await composer.press('Enter');
    await messages(page)
      .locator('.ephemeral')
      .filter({ hasText: /1 open incident/ })
      .waitFor();

    await composer.fill('hello');
    await composer.press('Enter');
    await page
      .getByRole('alert')
      .getByText(/slash commands only/)
      .waitFor();
  });
});
