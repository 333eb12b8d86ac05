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

jest.setTimeout(40_000);

describe('drill workspace: the ticket opens from the card (fake Jira)', () => {
  let drill: Drill;
  beforeAll(async () => {
    drill = await startDrill({ tickets: 'jira' });
  });
  afterAll(async () => {
    await drill?.close();
  });

  it('links SEC-1 on the card; the link opens the issue with its status, labels, description and the decision', async () => {
    const { page } = drill;
    const outcome = await injectSample(page, 'ec2-high-web1');
    await outcome.getByText('contain-ec2').waitFor();
    const card = messages(page).locator('li').filter({ hasText: 'UnauthorizedAccess:EC2/TorClient' }).first();
    const link = card.getByRole('link', { name: 'SEC-1', exact: true });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`${drill.stack.jira?.baseUrl}/browse/SEC-1`);

    const thread = await openCardThread(page);
    await actAs(page, USERS.responder);
    await clickAndConfirm(thread, page, 'Approve', 'Approve');
    await thread.getByText(/Approved by @Rita Responder/).waitFor();
    await thread.getByText(/Updated the ticket/).waitFor();

    const [issuePage] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await issuePage.waitForLoadState();
    await issuePage
      .getByRole('heading', { name: /^SEC-1: Airlock HIGH: UnauthorizedAccess:EC2\/TorClient on i-/ })
      .waitFor();
    expect(await issuePage.locator('[data-status]').textContent()).toBe('Done');
    expect(await issuePage.locator('[data-labels]').textContent()).toContain('airlock-inc-');
    expect(await issuePage.locator('[data-description]').textContent()).toContain('Steps taken');
    expect(await issuePage.locator('[data-comments]').textContent()).toMatch(/Approved by Slack user U/);
    await issuePage.close();
  });
});
