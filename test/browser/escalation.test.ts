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

jest.setTimeout(30_000);

describe('drill workspace: the 4-hour escalation', () => {
  let drill: Drill;
  beforeAll(async () => {
    drill = await startDrill();
  });
  afterAll(async () => {
    await drill?.close();
  });

  it('after +4 h the SOC lead gets a DM with buttons, approves there, and the incident resolves', async () => {
    const { page } = drill;
    await injectSample(page, 'ec2-high-web1');
    await messages(page).getByText('UnauthorizedAccess:EC2/TorClient').first().waitFor();
    const thread = await openCardThread(page);
    await thread.getByRole('button', { name: 'Approve', exact: true }).waitFor();

    const before = await page.locator('#clock-now').textContent();
    await page.getByRole('button', { name: '+4 h' }).click();
    await thread.getByText(/This approval expired at .* \(escalated to @Lee Lead/).waitFor();
    expect(await page.locator('#clock-now').textContent()).not.toBe(before);
    await messages(page)
      .getByText(/no answer in time, escalated/)
      .waitFor();

    // Only the lead has the DM.
    const sidebar = page.getByRole('navigation', { name: 'Channels and direct messages' });
    await expect(sidebar.getByRole('button', { name: /^Airlock/ }).count()).resolves.toBe(0);
    await actAs(page, USERS.lead);
    await sidebar.getByRole('button', { name: /^Airlock/ }).click();
    await page.getByRole('heading', { name: 'Airlock · direct message' }).waitFor();
    const dm = page.getByRole('list', { name: 'Airlock · direct message' });
    await dm
      .getByText(/Escalation:/)
      .first()
      .waitFor();
    await dm.getByRole('button', { name: 'Reject (false positive)' }).waitFor();
    await clickAndConfirm(dm, page, 'Approve', 'Approve');
    await dm.getByText(/Approved by @Lee Lead/).waitFor();

    await page.getByRole('tab', { name: 'Incidents' }).click();
    await page
      .getByRole('button', { name: /inc-[0-9a-f]{16}/ })
      .first()
      .click();
    const detail = page.locator('#incident-detail');
    await detail.getByText('resolved', { exact: true }).waitFor();
    await detail.getByText(/Approval: expired at .*, escalated to Lee Lead/).waitFor();
    await detail.getByText('Escalation: Approved by Lee Lead (SOC lead)').waitFor();
    await sidebar.getByRole('button', { name: '#soc-incidents' }).click();
    await messages(page)
      .getByText(/Resolved: approved by @Lee Lead/)
      .waitFor();
  });
});
