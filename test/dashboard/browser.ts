/**
 * Chromium for the dashboard tests: Debian's `/usr/bin/chromium` driven by playwright-core (no
 * browser download). Each page gets its own context (its own `sessionStorage`) and records
 * what must never happen: script errors, Content-Security-Policy violations and dialogs.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Where CI installs Chromium (`apt-get install chromium`). */
export const chromiumPath = '/usr/bin/chromium';

/** Whether the browser tests can run here. */
export const hasChromium = existsSync(chromiumPath);

if (!hasChromium) {
  process.stderr.write(
    `dashboard browser tests SKIPPED: ${chromiumPath} is missing (apt-get install chromium)\n`,
  );
}

/**
 * A suite's name, saying why it is skipped when Chromium is missing.
 * @param name - the suite's name
 * @returns the name to give `describe.skipIf(!hasChromium)`
 */
export function browserSuite(name: string): string {
  return hasChromium
    ? name
    : `${name} (SKIPPED: ${chromiumPath} is missing; apt-get install chromium)`;
}

/**
 * Starts headless Chromium.
 * @returns the browser
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A dashboard page and what went wrong on it. */
export interface OpenedDashboard {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Uncaught script errors and Content-Security-Policy violations. */
  readonly errors: string[];
  /** The messages of every dialog (alert, confirm, prompt) the page opened. */
  readonly dialogs: string[];
}

/**
 * Opens the dashboard in a fresh context, at a laptop's screen size.
 * @param browser - the browser
 * @param base - the server, e.g. `http://127.0.0.1:40123`
 * @param token - a token to paste at once, if any
 * @returns the page
 */
export async function openDashboard(
  browser: Browser,
  base: string,
  token?: string,
): Promise<OpenedDashboard> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${base}/`);
  if (token !== undefined) await enterToken(page, token);
  return { page, context, errors, dialogs };
}

/**
 * Pastes a token into the token field and submits it.
 * @param page - the dashboard
 * @param token - the token
 */
export async function enterToken(page: Page, token: string): Promise<void> {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Use token' }).click();
}

/**
 * Ends a suite: no page it opened may have had a script error, a Content-Security-Policy
 * violation or a dialog; then the browser and the server are closed (either may be missing when
 * the suite's set-up failed).
 * @param opened - the pages the suite opened
 * @param browser - the browser
 * @param server - the dashboard server
 */
export async function closeDashboards(
  opened: readonly OpenedDashboard[],
  browser: Browser | undefined,
  server: { close(): Promise<void> } | undefined,
): Promise<void> {
  for (const { errors, dialogs } of opened) {
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
  }
  await browser?.close();
  await server?.close();
}
