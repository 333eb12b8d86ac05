import { USERS } from '../../local/slack/workspace';
import {
  actAs,
  clickAndConfirm,
  type Drill,
  injectSample,
  messages,
  openCardThread,
  startDrill,
} from './harness';

jest.setTimeout(45_000);

/** Issue 16 §3 in the drill workspace: claim, and a way out after the last timer. */
describe('drill workspace: ownership and a way out', () => {
  let drill: Drill;
  beforeEach(async () => {
    drill = await startDrill();
  });
  afterEach(async () => {
    await drill?.close();
  });

  it('Claim on the card makes the responder its owner, shown on the card', async () => {
    const { page } = drill;
    await actAs(page, USERS.responder2);
    await injectSample(page, 'ec2-high-web1');
    const card = messages(page).locator('li').filter({ hasText: 'UnauthorizedAccess:EC2/TorClient' }).first();
    await card.getByRole('button', { name: 'Claim', exact: true }).waitFor();
    await clickAndConfirm(card, page, 'Claim', 'Claim');
    await card.getByText('Owner').waitFor();
    await card.getByText('@Sam Second').first().waitFor();
    await card.getByRole('button', { name: 'Take over', exact: true }).waitFor();
  });

  it('after the last timer, /ir resolve (confirmed) closes it, kept contained, and the card says who', async () => {
    const { page } = drill;
    await injectSample(page, 'ec2-high-web1');
    const thread = await openCardThread(page);
    await thread.getByRole('button', { name: 'Approve', exact: true }).waitFor();
    await page.getByRole('button', { name: '+4 h' }).click();
    await messages(page)
      .getByText(/no answer in time, escalated/)
      .waitFor();
    await page.getByRole('button', { name: '+4 h' }).click();
    await messages(page)
      .getByText(/Unresolved: nobody answered; stays contained/)
      .waitFor();
    const incidentId = /inc-[0-9a-f]{16}/.exec((await messages(page).textContent()) ?? '')?.[0];
    if (!incidentId) throw new Error('no incident id on the card');

    await actAs(page, USERS.responder2);
    const composer = page.getByLabel('Slash command in #soc-incidents');
    await composer.fill('/ir list');
    await composer.press('Enter');
    await messages(page).locator('.ephemeral').filter({ hasText: 'ESCALATED_UNRESOLVED' }).waitFor();

    await composer.fill(`/ir resolve ${incidentId}`);
    await composer.press('Enter');
    const prompt = messages(page)
      .locator('.ephemeral')
      .filter({ hasText: `Resolve ${incidentId}?` });
    await prompt.getByText('Only visible to you').waitFor();
    await clickAndConfirm(prompt, page, `Resolve ${incidentId}`, 'Resolve');
    await messages(page)
      .getByText(/Resolved by @Sam Second after the last timer; stays contained/)
      .waitFor();
    await messages(page)
      .locator('.ephemeral')
      .filter({ hasText: /resolved .* it stays contained and is closed/ })
      .waitFor();
  });

  it('the expiry race: an S3 finding left +8 h shows every approval copy expired, with no live buttons', async () => {
    const { page } = drill;
    await injectSample(page, 's3-high-public-assets');
    const thread = await openCardThread(page);
    await thread.getByRole('button', { name: 'Approve', exact: true }).waitFor();
    await page.getByRole('button', { name: '+8 h' }).click();
    await messages(page)
      .getByText(/Unresolved: nobody answered; stays contained/)
      .waitFor();
    // The escalation's own timer ran out while its request was queued: the copy that was posted shows expired.
    await thread
      .getByText(/This approval expired at .* \(escalated to @Lee Lead/)
      .first()
      .waitFor();
    // No live decision button anywhere: not in the thread, the channel, nor the lead's DM.
    await actAs(page, USERS.lead);
    for (const name of ['Approve', 'Reject (false positive)', 'Reject']) {
      await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
    }
    const sidebar = page.getByRole('navigation', { name: 'Channels and direct messages' });
    const dms = sidebar.getByRole('button', { name: /^Airlock/ });
    if ((await dms.count()) > 0) {
      await dms.click();
      const dm = page.getByRole('list', { name: 'Airlock · direct message' });
      await dm
        .getByText(/expired|Reminder/)
        .first()
        .waitFor();
      await expect(dm.getByRole('button', { name: 'Approve', exact: true }).count()).resolves.toBe(0);
    }
  });
});
