import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startOfflineStack } from '../runtime/stack';
import { fromOfflineStack } from './offline';
import { startWorkspace } from './server';

/**
 * `npx tsx local/workspace/screenshot.ts [out.png]`: the drill workspace mid-incident (a high-severity EC2
 * finding contained, its approval waiting in the thread) at 1280×800, for docs/img/workspace.png.
 * `npx tsx local/workspace/screenshot.ts --metrics [out.png] [report.md]`: three incidents over three days (an
 * approve, a reject, an approve), then the Metrics view, for docs/img/metrics.png; the first incident's stored
 * Markdown report goes to report.md when given.
 * Uses Debian's chromium (CHROMIUM_PATH, default /usr/bin/chromium); never downloads a browser.
 */
async function screenshot(out: string, metrics?: { reportOut?: string }): Promise<void> {
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
    if (metrics) {
      await metricsScene(page, metrics.reportOut);
      // Tall enough for the figures and all five charts; the picture is the Metrics panel alone.
      await page.setViewportSize({ width: 1280, height: 1640 });
      await page.locator('#metrics-view .chart .uplot canvas').nth(4).waitFor();
      await page.locator('aside.tools').screenshot({ path: out });
      process.stdout.write(`wrote ${out}\n`);
      return;
    }
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

/** Injects a sample, decides its approval in its thread, and waits for the report file in the thread. */
async function decide(
  page: Page,
  sample: string,
  nth: number,
  decision: 'approve' | 'reject',
): Promise<void> {
  await page.getByRole('tab', { name: 'Inject' }).click();
  await page.getByLabel('Bundled sample').selectOption(sample);
  await page.getByRole('button', { name: 'Inject sample' }).click();
  await page.locator('#inject-outcome').getByText('opened').waitFor();
  const channel = page.getByRole('list', { name: '#soc-incidents', exact: true });
  await channel
    .locator('li.msg')
    .nth(nth)
    .getByRole('button', { name: /\d+ repl(y|ies)/ })
    .click();
  const thread = page.locator('#thread');
  const [button, confirm] =
    decision === 'approve' ? ['Approve', 'Approve'] : ['Reject (false positive)', 'Reject and restore'];
  await thread.getByRole('button', { name: button, exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: confirm, exact: true }).click();
  await thread.getByRole('button', { name: /-report-v1\.md/ }).waitFor();
}

async function metricsScene(page: Page, reportOut?: string): Promise<void> {
  const day = () => page.getByRole('button', { name: '+8 h' }).click();
  await decide(page, 'ec2-high-web1', 0, 'approve');
  if (reportOut) {
    const incidents = (await (await fetch(new URL('/api/state', page.url()))).json()) as {
      incidents: { incidentId: string }[];
    };
    const id = incidents.incidents[0]?.incidentId;
    const report = (await (await fetch(new URL(`/api/incidents/${id}/report`, page.url()))).json()) as {
      markdown: string;
    };
    await writeFile(reportOut, report.markdown);
    process.stdout.write(`wrote ${reportOut}\n`);
  }
  for (let i = 0; i < 3; i += 1) await day();
  await decide(page, 'ec2-high-asg1', 1, 'reject');
  for (let i = 0; i < 3; i += 1) await day();
  await decide(page, 'ec2-high-web1', 2, 'approve');
  await page.getByRole('tab', { name: 'Metrics' }).click();
  await page.locator('#metrics-view .chart .uplot canvas').nth(4).waitFor();
}

const args = process.argv.slice(2);
const metricsMode = args[0] === '--metrics';
const positional = metricsMode ? args.slice(1) : args;
const defaultOut = join(__dirname, '..', '..', 'docs', 'img', metricsMode ? 'metrics.png' : 'workspace.png');
screenshot(
  positional[0] ?? defaultOut,
  metricsMode ? (positional[1] ? { reportOut: positional[1] } : {}) : undefined,
).catch((error: unknown) => {
  process.stderr.write(`screenshot failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
