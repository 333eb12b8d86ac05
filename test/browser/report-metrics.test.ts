import { createHash } from 'node:crypto';
import { USERS } from '../../local/slack/workspace';
import { actAs, clickAndConfirm, type Drill, injectSample, messages, startDrill, thread } from './harness';

jest.setTimeout(60_000);

/** Issue 17 in the drill workspace: the report file in the thread, the Report view, and the Metrics view's charts. */
describe('drill workspace: incident reports and the Metrics view', () => {
  let drill: Drill;
  beforeAll(async () => {
    drill = await startDrill();
  });
  afterAll(async () => {
    await drill?.close();
  });

  it('shows each closed incident’s report in its thread and the figures of one approve and one reject', async () => {
    const { page } = drill;
    await actAs(page, USERS.responder);

    // One incident approved …
    await (await injectSample(page, 'ec2-high-web1')).getByText('opened').waitFor();
    const cards = messages(page).getByRole('button', { name: /\d+ repl(y|ies)/ });
    await cards.first().click();
    await clickAndConfirm(thread(page), page, 'Approve', 'Approve');
    await thread(page)
      .getByText(/Approved by @Rita Responder/)
      .waitFor();
    const firstFile = thread(page).getByRole('button', { name: /inc-[0-9a-f]{16}-report-v1\.md/ });
    await firstFile.waitFor();

    // … and one rejected (a false positive).
    await (await injectSample(page, 'ec2-high-asg1')).getByText('opened').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#messages > li.msg').length >= 2);
    await cards.nth(1).click();
    await clickAndConfirm(thread(page), page, 'Reject (false positive)', 'Reject and restore');
    await thread(page)
      .getByText(/Rejected by @Rita Responder/)
      .waitFor();
    const secondFile = thread(page).getByRole('button', { name: /inc-[0-9a-f]{16}-report-v1\.md/ });
    await secondFile.waitFor();
    const reply = thread(page)
      .locator('li.msg')
      .filter({ has: page.locator('button.file') });
    await reply.getByText(/Incident report v1/).waitFor();
    await reply
      .getByText(/RESTORED/)
      .first()
      .waitFor();

    // The file opens the report (the Markdown, escaped, as text).
    await secondFile.click();
    const view = page.locator('#report-view');
    await view.locator('.report-md').getByText(/^# /).first().waitFor();
    expect(await view.locator('.report-md script, .report-md img').count()).toBe(0);
    const fileText = (await view.locator('.report-md').textContent()) ?? '';
    expect(fileText).toContain('RESTORED');

    // The report opens from the incident too, with its JSON whose SHA-256 is the one the ledger recorded.
    await page.getByRole('tab', { name: 'Incidents' }).click();
    await page
      .getByRole('button', { name: /inc-[0-9a-f]{16}/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Open report' }).click();
    await page.getByRole('heading', { name: /Report v1 · inc-[0-9a-f]{16}/ }).waitFor();
    const sha = ((await view.locator('.report-meta code').textContent()) ?? '').trim();
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    const jsonHref = await view.getByRole('link', { name: 'JSON rendering' }).getAttribute('href');
    const json = await page.evaluate(async (href) => (await fetch(href as string)).text(), jsonHref);
    expect(createHash('sha256').update(json, 'utf8').digest('hex')).toBe(sha);
    expect(JSON.parse(json).schemaVersion).toBe(1);

    // /ir report in the composer: the same report, unchanged, already in the thread; /ir stats the same figures.
    const incidentId = (
      await page.getByRole('heading', { name: /Report v1 · inc-[0-9a-f]{16}/ }).textContent()
    )
      ?.split(' · ')[1]
      ?.trim();
    await page.getByLabel('Slash command').fill(`/ir report ${incidentId}`);
    await page.getByLabel('Slash command').press('Enter');
    const answer = messages(page)
      .locator('li.ephemeral')
      .filter({ hasText: 'Unchanged since it was written: v1' });
    await answer.getByText("v1 is already in the incident's thread").waitFor();
    await page.getByLabel('Slash command').fill('/ir stats');
    await page.getByLabel('Slash command').press('Enter');
    await messages(page)
      .locator('li.ephemeral')
      .getByText(/Incidents closed: 2 \(RESOLVED 1, RESTORED 1\)/)
      .waitFor();

    // Metrics: the figures of the drill's two incidents, and five uPlot charts drawn on canvases.
    await page.getByRole('tab', { name: 'Metrics' }).click();
    const figures = page.getByRole('table', { name: 'Figures, last 7d' });
    await figures.waitFor();
    const figure = (name: string) => figures.locator(`td[data-figure="${name}"]`);
    expect(await figure('Incidents closed').textContent()).toBe('2');
    expect(await figure('RESOLVED').textContent()).toBe('1');
    expect(await figure('RESTORED').textContent()).toBe('1');
    expect(await figure('False-positive rate').textContent()).toBe('50.0 % (1 of 2)');
    expect(await figure('Escalations').textContent()).toBe('0');
    expect(await figure('Failures').textContent()).toBe('0');
    const charts = page.locator('#metrics-view .chart .uplot canvas');
    await charts.nth(4).waitFor();
    expect(await charts.count()).toBe(5);
    const titles = await page.locator('#metrics-view .uplot .u-title').allInnerTexts();
    expect(titles).toEqual([
      'Incidents per day by outcome',
      'Time to contain (s)',
      'Time to decision (s)',
      'False-positive rate (rejects ÷ decisions, %)',
      'Escalations and failures',
    ]);
    const legend = (await page.locator('[data-chart="incidents"] .u-legend').textContent()) ?? '';
    expect(legend).toContain('RESOLVED');
    expect(legend).toContain('RESTORED');
  });
});
