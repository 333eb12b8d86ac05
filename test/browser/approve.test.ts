import { DEMO } from '../../local/sim';
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

describe('drill workspace: a high-severity EC2 finding, approved', () => {
  let drill: Drill;
  beforeAll(async () => {
    drill = await startDrill();
  });
  afterAll(async () => {
    await drill?.close();
  });

  it('refuses the outsider, takes the responder’s approval, and shows the instance isolated with snapshots', async () => {
    const { page } = drill;
    const outcome = await injectSample(page, 'ec2-high-web1');
    await outcome.getByText('opened').waitFor();
    await outcome.getByText('contain-ec2').waitFor();

    // The card and its thread appear in #soc-incidents.
    await messages(page).getByText('UnauthorizedAccess:EC2/TorClient').first().waitFor();
    const thread = await openCardThread(page);
    await thread.getByText('Containment of').waitFor();
    await thread.getByRole('button', { name: 'Approve', exact: true }).waitFor();

    // Someone outside the SOC clicks Approve (through the confirm dialog) and is refused, only to them.
    await actAs(page, USERS.outsider);
    // Esc closes the confirm dialog without sending anything (else there would be two refusals below).
    await thread.getByRole('button', { name: 'Approve', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve containment?' });
    await dialog.getByText(/stays contained and the finding is marked resolved/).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await clickAndConfirm(thread, page, 'Approve', 'Approve');
    const refusal = thread.locator('.ephemeral').filter({ hasText: 'not an Airlock responder' });
    await refusal.getByText('Only visible to you').waitFor();
    await thread.getByRole('button', { name: 'Approve', exact: true }).waitFor();

    // A responder approves: the thread shows the decision and the buttons are gone.
    await actAs(page, USERS.responder);
    await refusal.waitFor({ state: 'detached' });
    await clickAndConfirm(thread, page, 'Approve', 'Approve');
    await thread.getByText(/Approved by @Rita Responder/).waitFor();
    await thread.getByRole('button', { name: 'Approve', exact: true }).waitFor({ state: 'detached' });

    // Incident view: resolved, who decided, the ENI carries only the isolation group, snapshots taken.
    await page.getByRole('tab', { name: 'Incidents' }).click();
    await page
      .getByRole('button', { name: /inc-[0-9a-f]{16}/ })
      .first()
      .click();
    const detail = page.locator('#incident-detail');
    await detail.getByText('resolved', { exact: true }).waitFor();
    await detail.getByText('Approved by Rita Responder').waitFor();
    // The audit trail names the refused click, once: the Esc-closed dialog sent nothing.
    const audit = detail.getByRole('table', { name: 'Audit trail' });
    await audit.getByRole('row', { name: /Otto Outsider decision-refused/ }).waitFor();
    expect(await audit.getByRole('row', { name: /decision-refused/ }).count()).toBe(1);
    const eniRow = detail.getByRole('row', {
      name: new RegExp(`Security groups on ${DEMO.networkInterfaces.web1}`),
    });
    await expectText(eniRow.getByRole('cell').nth(0), /^web-sg \(sg-/);
    await expectText(eniRow.getByRole('cell').nth(1), /^airlock-isolation \(sg-[0-9a-f]+\)$/);
    await detail
      .getByText(/snap-[0-9a-f]+/)
      .first()
      .waitFor();
    expect(await detail.locator('li', { hasText: /snap-[0-9a-f]+/ }).count()).toBe(2);
    await detail
      .getByRole('table', { name: 'Execution timeline' })
      .getByRole('row', { name: /IsolateNetwork/ })
      .waitFor();

    // Estate panel: web-1's ENI carries only the isolation group.
    await page.getByRole('tab', { name: 'Estate' }).click();
    const web1 = page.getByRole('article', { name: new RegExp(DEMO.instances.web1) });
    await web1.getByText('airlock-isolation (Airlock isolation)').waitFor();
    expect(await web1.locator('.chip').allInnerTexts()).toEqual([
      expect.stringMatching(/^airlock-isolation \(Airlock isolation\) sg-/),
    ]);
  });
});

async function expectText(locator: import('playwright-core').Locator, pattern: RegExp): Promise<void> {
  await locator.waitFor();
  expect(((await locator.textContent()) ?? '').trim()).toMatch(pattern);
}
