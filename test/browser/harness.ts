import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { startOfflineStack } from '../../local/runtime/stack';
import type { OfflineStack, OfflineStackOptions } from '../../local/runtime/types';
import { USERS } from '../../local/slack/workspace';
import { fromOfflineStack } from '../../local/workspace/offline';
import { startWorkspace, type Workspace } from '../../local/workspace/server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's chromium, never a downloaded browser; flags keep it offline and quiet. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
}

export interface Drill {
  stack: OfflineStack;
  workspace: Workspace;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/**
 * The whole offline stack (manual clock, no Slack rate limit: waits are event-driven) + the workspace server on
 * random ports + a 1280×800 page on it.
 */
export async function startDrill(options: OfflineStackOptions = {}): Promise<Drill> {
  const stack = await startOfflineStack({ timeScale: 0, slackRateLimit: false, ...options });
  let workspace: Workspace | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await workspace?.close();
    await stack.close();
  };
  try {
    workspace = await startWorkspace({ stack: fromOfflineStack(stack), port: 0 });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(10_000);
    await page.goto(workspace.url);
    await page.getByRole('heading', { name: '#soc-incidents' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    return { stack, workspace, browser, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const ROLE_OF_USER: Record<string, string> = {
  [USERS.responder]: 'Rita Responder (responder)',
  [USERS.responder2]: 'Sam Second (responder)',
  [USERS.lead]: 'Lee Lead (SOC lead) (SOC lead)',
  [USERS.outsider]: 'Otto Outsider (not in the SOC)',
};

/**
 * Picks the acting user and waits until the page shows the pick. A state refresh that lands while the pick is being
 * made can redraw the select; as a person would, pick again (three tries, then the wait's own error).
 */
export async function actAs(page: Page, userId: string): Promise<void> {
  const shown = (timeout: number) =>
    page.waitForFunction(
      (label) => document.querySelector<HTMLSelectElement>('#acting-as')?.selectedOptions[0]?.text === label,
      ROLE_OF_USER[userId],
      { timeout },
    );
  for (let attempt = 1; ; attempt++) {
    await page.getByLabel('Acting as').selectOption(userId);
    try {
      await shown(attempt < 3 ? 4_000 : 10_000);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Picks a bundled sample in the Inject panel and injects it; returns the outcome panel. */
export async function injectSample(page: Page, sampleId: string): Promise<Locator> {
  await page.getByRole('tab', { name: 'Inject' }).click();
  await page.getByLabel('Bundled sample').selectOption(sampleId);
  await page.getByRole('button', { name: 'Inject sample' }).click();
  const outcome = page.locator('#inject-outcome');
  await outcome
    .getByText(/opened|rejected|ignored|repeat|attached|Rejected/)
    .first()
    .waitFor();
  return outcome;
}

export function messages(page: Page): Locator {
  return page.getByRole('list', { name: '#soc-incidents', exact: true });
}

export function thread(page: Page): Locator {
  return page.locator('#thread');
}

/** Opens the thread of the first card in the channel (waiting for its replies) and returns the thread list. */
export async function openCardThread(page: Page): Promise<Locator> {
  await messages(page)
    .getByRole('button', { name: /\d+ repl(y|ies)/ })
    .first()
    .click();
  return thread(page);
}

/** Clicks a Block Kit button and confirms its dialog with the dialog's confirm label. */
export async function clickAndConfirm(
  scope: Locator,
  page: Page,
  button: string,
  confirm: string,
): Promise<void> {
  await scope.getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: confirm, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}
