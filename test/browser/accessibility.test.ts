import type { Page } from 'playwright-core';
import { type Drill, injectSample, messages, openCardThread, startDrill } from './harness';

jest.setTimeout(30_000);

/** Text whose contrast with its background is below WCAG AA (4.5:1, or 3:1 for large text). */
function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
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
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const own = Array.from(el.childNodes).some(
        (n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim(),
      );
      if (
        !own ||
        !(el instanceof HTMLElement) ||
        !el.offsetParent ||
        el.closest('[disabled], .visually-hidden')
      )
        continue;
      const style = getComputedStyle(el);
      const [a, b] = [lum(parse(style.color)), lum(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5))
        problems.push(
          `${el.tagName}.${el.className} "${el.textContent?.trim().slice(0, 30)}" ${ratio.toFixed(2)}`,
        );
    }
    return problems;
  });
}

describe('drill workspace accessibility', () => {
  let drill: Drill;
  beforeAll(async () => {
    drill = await startDrill();
  });
  afterAll(async () => {
    await drill?.close();
  });

  it('names every control, keeps text at AA contrast, and works from the keyboard', async () => {
    const { page } = drill;
    await injectSample(page, 'ec2-high-web1');
    await messages(page).getByText('UnauthorizedAccess:EC2/TorClient').first().waitFor();
    const thread = await openCardThread(page);
    await thread.getByRole('button', { name: 'Approve', exact: true }).waitFor();
    expect(await lowContrast(page)).toEqual([]);

    const unnamed = await page.evaluate(() =>
      Array.from(document.querySelectorAll('button, input, select, textarea'))
        .filter((el) => (el as HTMLElement).offsetParent)
        .filter((el) => {
          const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label');
          return !labelled && !el.textContent?.trim();
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);

    // Tabs follow the ARIA pattern: arrow keys move between them and show their panel.
    await page.getByRole('tab', { name: 'Thread' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Incidents' }).getAttribute('aria-selected')).resolves.toBe(
      'true',
    );
    await page.getByRole('tabpanel', { name: 'Incidents' }).getByRole('button', { name: /inc-/ }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('#incident-detail').getByText('Estate before and after').first().waitFor();
    expect(await lowContrast(page)).toEqual([]);

    // A keyboard user reaches the confirm dialog with Enter and leaves it with Esc; focus is visible.
    await page.getByRole('tab', { name: 'Thread' }).click();
    await thread.getByRole('button', { name: 'Reject (false positive)' }).focus();
    await page.keyboard.press('Shift+Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Approve');
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Approve containment?' }).waitFor();
    expect(await lowContrast(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await expect(page.locator('#live').getAttribute('aria-live')).resolves.toBe('polite');
  });
});
