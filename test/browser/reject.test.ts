import { DEMO } from '../../local/sim';
import { clickAndConfirm, type Drill, injectSample, messages, openCardThread, startDrill } from './harness';

jest.setTimeout(30_000);

describe('drill workspace: Reject restores the estate', () => {
  let drill: Drill;
  beforeAll(async () => {
    drill = await startDrill();
  });
  afterAll(async () => {
    await drill?.close();
  });

  it('puts the instance back exactly as it was before the incident', async () => {
    const { page } = drill;
    await injectSample(page, 'ec2-high-web1');
    await messages(page).getByText('UnauthorizedAccess:EC2/TorClient').first().waitFor();
    const thread = await openCardThread(page);
    await clickAndConfirm(thread, page, 'Reject (false positive)', 'Reject and restore');
    await thread.getByText(/Rejected by @Rita Responder/).waitFor();
    await messages(page)
      .getByText(/Restored: rejected as a false positive/)
      .waitFor();

    await page.getByRole('tab', { name: 'Incidents' }).click();
    await page
      .getByRole('button', { name: /inc-[0-9a-f]{16}/ })
      .first()
      .click();
    const detail = page.locator('#incident-detail');
    await detail.getByText('restored', { exact: true }).waitFor();
    await detail.getByText('identical to the pre-incident state').waitFor();
    const table = detail.getByRole('table', { name: 'Estate before and after' });
    await table.waitFor();
    expect(await table.locator('tr.changed').count()).toBe(0);
    expect(await table.getByText('changed', { exact: true }).count()).toBe(0);
    const eniRow = table.getByRole('row', {
      name: new RegExp(`Security groups on ${DEMO.networkInterfaces.web1}`),
    });
    expect(await eniRow.getByRole('cell').allInnerTexts()).toEqual([
      `web-sg (${DEMO.securityGroups.web})`,
      `web-sg (${DEMO.securityGroups.web})`,
    ]);
    // The evidence stays: snapshots are kept after a restore.
    await detail
      .getByText(/snap-[0-9a-f]+/)
      .first()
      .waitFor();

    await page.getByRole('tab', { name: 'Estate' }).click();
    const web1 = page.getByRole('article', { name: new RegExp(DEMO.instances.web1) });
    await web1.getByText(DEMO.securityGroups.web).waitFor();
    expect(await web1.locator('.chip').allInnerTexts()).toEqual([`web-sg ${DEMO.securityGroups.web}`]);
    await web1.getByText('Instance profile: web-app-profile').waitFor();
  });
});
