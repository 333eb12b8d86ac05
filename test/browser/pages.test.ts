import type { Page } from 'playwright-core';
import { clickAndConfirm, type Drill, injectSample, messages, openCardThread, startDrill } from './harness';

jest.setTimeout(30_000);

/** Text in the Pages panel whose contrast with its background is below WCAG AA (4.5:1). */
function lowContrastIn(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((root) => {
    const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r = 0, g = 0, b = 0]: number[]) => {
      const ch = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg.length === 3 || (bg[3] ?? 0) > 0.9) return bg;
      }
      return [255, 255, 255];
    };
    const problems: string[] = [];
    for (const el of Array.from(document.querySelectorAll(`${root} *`))) {
      const own = Array.from(el.childNodes).some(
        (n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim(),
      );
      if (!own || !(el instanceof HTMLElement) || !el.offsetParent) continue;
      const style = getComputedStyle(el);
      const [a, b] = [lum(parse(style.color)), lum(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5)
        problems.push(`${el.tagName}.${el.className} "${el.textContent?.trim().slice(0, 30)}"`);
    }
    return problems;
  }, selector);
}

describe('drill workspace: the Pages panel shows what the on-call received', () => {
  let drill: Drill;
  beforeAll(async () => {
    drill = await startDrill();
  });
  afterAll(async () => {
    await drill?.close();
  });

  it('shows the incident paged (triggered) once contained, then resolved after Approve', async () => {
    const { page } = drill;
    await injectSample(page, 'ec2-high-web1');
    await messages(page).getByText('UnauthorizedAccess:EC2/TorClient').first().waitFor();
    const thread = await openCardThread(page);
    await thread.getByRole('button', { name: 'Approve', exact: true }).waitFor();
    // The page is a step line in the thread.
    await thread.getByText('Paged the on-call (PagerDuty)').first().waitFor();

    await page.getByRole('tab', { name: 'Pages' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Pages' });
    const incidentId = drill.stack.engine.list()[0]?.name ?? '';
    const alert = panel.getByRole('article', { name: new RegExp(incidentId) });
    await alert.getByText('triggered', { exact: true }).waitFor();
    await alert.getByText(`Airlock ${incidentId}: contained`, { exact: false }).waitFor();
    await panel.getByText('1 request to PagerDuty: 1 accepted').waitFor();
    expect(await lowContrastIn(page, '#panel-pages')).toEqual([]);

    await page.getByRole('tab', { name: 'Thread' }).click();
    await clickAndConfirm(thread, page, 'Approve', 'Approve');
    await thread.getByText(/Approved by @Rita Responder/).waitFor();

    await page.getByRole('tab', { name: 'Pages' }).click();
    await alert.getByText('resolved', { exact: true }).waitFor();
    await expect(alert.getByRole('list').getByRole('listitem').allTextContents()).resolves.toEqual([
      expect.stringMatching(/trigger \(opened\) · error$/),
      expect.stringMatching(/resolve$/),
    ]);
    expect(await lowContrastIn(page, '#panel-pages')).toEqual([]);
  });
});
