import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startOfflineStack } from '../runtime/stack';
import { fromOfflineStack } from './offline';
import { startWorkspace } from './server';

/**
 * `npx tsx local/workspace/screenshot.ts [out.png]`: the drill workspace mid-incident (a high-severity EC2
 * finding contained, its approval waiting in the thread) at 1280×800, for docs/img/workspace.png.
 * Uses Debian's chromium (CHROMIUM_PATH, default /usr/bin/chromium); never downloads a browser.
 */
async function screenshot(out: string): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  // Real time, as `npm start` runs it, so the card shows a real time-to-contain.
  const stack = await startOfflineStack({ timeScale: 1, slackRateLimit: false });
  const workspace = await startWorkspace({ stack: fromOfflineStack(stack), port: 0 });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(workspace.url);
    await page.getByText('Live', { exact: true }).waitFor();
    const channel = page.getByRole('list', { name: '#soc-incidents', exact: true });
    for (const sample of ['ec2-high-web1', 'ec2-high-asg1']) {
      await page.getByLabel('Bundled sample').selectOption(sample);
      await page.getByRole('button', { name: 'Inject sample' }).click();
      await page.locator('#inject-outcome').getByText('opened').waitFor();
    }
    await channel
      .getByText(/waiting for a responder/)
      .nth(1)
      .waitFor();
    await channel
      .getByRole('button', { name: /\d+ replies/ })
      .first()
      .click();
    const thread = page.locator('#thread');
    await thread.getByRole('button', { name: 'Approve', exact: true }).waitFor();
    await thread.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.locator('body').click({ position: { x: 5, y: 790 } });
    await page.screenshot({ path: out });
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    await browser.close();
    await workspace.close();
    await stack.close();
  }
}

screenshot(process.argv[2] ?? join(__dirname, '..', '..', 'docs', 'img', 'workspace.png')).catch(
  (error: unknown) => {
    process.stderr.write(`screenshot failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
