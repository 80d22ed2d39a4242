/**
 * The live dashboard in Chromium: an experiment's page, left open, changes by itself when a
 * batch is uploaded (new analysis, an SRM alert in its live section and the badge) and when the
 * monitor ticks (the streaming posterior and its curves); the alerts page acknowledges and
 * resolves. Every page is readable at 390 px (nothing wider than the screen) as at 1280 px, and
 * a screenshot of each at both widths is kept under test-artifacts/dashboard/.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickMonitor } from '../../shared/stages/monitor-tick.ts';
import {
  browserSuite,
  closeDashboards,
  hasChromium,
  launchChromium,
  openDashboard,
  type OpenedDashboard,
} from './browser.ts';
import { dashboardToken, openDashboardServer, type DashboardServer } from './dashboard-server.ts';

const experimentId = 'live-dash';
const screenshots = path.resolve('test-artifacts/dashboard');
let server: DashboardServer;
let browser: Browser;
const opened: OpenedDashboard[] = [];

async function open(): Promise<OpenedDashboard> {
  const dashboard = await openDashboard(browser, server.base, dashboardToken);
  opened.push(dashboard);
  return dashboard;
}

/** Users exposed control : treatment as given, every fourth buying. */
function events(prefix: string, control: number, treatment: number): string {
  const rows = ['user_id,experiment_id,variant,event_type,timestamp,value'];
  for (const [variant, users] of [
    ['control', control],
    ['treatment', treatment],
  ] as const) {
    for (let i = 0; i < users; i += 1) {
      const user = `${prefix}-${variant}-${i}`;
      rows.push(`${user},${experimentId},${variant},exposure,2026-03-0${1 + (i % 3)}T09:00:00Z,`);
      if (i % 4 === 0) {
        rows.push(
          `${user},${experimentId},${variant},purchase,2026-03-0${1 + (i % 3)}T10:30:00Z,25`,
        );
      }
    }
  }
  return `${rows.join('\n')}\n`;
}

async function upload(csv: string): Promise<void> {
  const answer = await fetch(`${server.base}/v1/ingest/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${dashboardToken}`, 'content-type': 'text/csv' },
    body: csv,
  });
  expect(answer.status).toBe(202);
}

/** Whether anything is wider than the viewport. */
async function overflows(page: OpenedDashboard['page']): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

describe.skipIf(!hasChromium)(browserSuite('the live dashboard in Chromium'), () => {
  beforeAll(async () => {
    server = await openDashboardServer();
    browser = await launchChromium();
    await mkdir(screenshots, { recursive: true });
    await upload(events('a', 120, 120));
    await server.stack.deps.bus.idle();
  }, 120_000);

  afterAll(async () => {
    await closeDashboards(opened, browser, server);
  });

  it('updates an open experiment page by itself when a batch arrives and the monitor ticks', async () => {
    const { page } = await open();
    await page.goto(`${server.base}/#/experiments/${experimentId}`);
    const users = page.locator('dd[data-field="users"]');
    await users.waitFor();
    expect(await users.textContent()).toBe('240');
    expect(await page.locator('[data-field="live-alerts"]').textContent()).toBe('No open alert.');
    expect(await page.locator('#alerts-badge').isHidden()).toBe(true);

    // A lopsided batch: its analysis flags a sample-ratio mismatch.
    await upload(events('b', 400, 100));
    await page.waitForFunction(
      () => document.querySelector('dd[data-field="users"]')?.textContent === '740',
      undefined,
      { timeout: 60_000 },
    );
    await page
      .locator('[data-field="live-alerts"] .alert-card')
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-field="live-alerts"]').textContent()).toContain('srm');
    await page.waitForFunction(() => document.getElementById('alerts-badge')?.textContent === '1');

    await tickMonitor(server.stack.deps, 'dashboard-tick');
    const exposed = page.locator('td[data-field="live-exposures"]');
    await exposed.first().waitFor({ timeout: 30_000 });
    expect(
      await exposed.evaluateAll((cells) => cells.map((c) => c.getAttribute('data-value'))),
    ).toEqual(['520', '220']);
    expect(await page.locator('.posterior-curves polyline').count()).toBe(2);
    expect(await page.locator('.windows-chart rect').count()).toBeGreaterThan(0);
  }, 180_000);

  it('acknowledges and resolves an alert on the alerts page', async () => {
    const { page } = await open();
    await page.goto(`${server.base}/#/alerts`);
    const card = page.locator('.alert-card').first();
    await card.waitFor();
    expect(await card.getAttribute('data-status')).toBe('open');
    await card.getByLabel(/Note for the srm alert/).fill('checking the assignment');
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForFunction(
      () => document.querySelector('.alert-card')?.getAttribute('data-status') === 'acknowledged',
    );
    expect(await page.locator('.alert-card').first().textContent()).toContain(
      'checking the assignment',
    );
    await page.locator('.alert-card').first().getByRole('button', { name: 'Resolve' }).click();
    await page.locator('p.empty').waitFor();
    await page.goto(`${server.base}/#/alerts?status=resolved`);
    await page.waitForFunction(
      () => document.querySelector('.alert-card')?.getAttribute('data-status') === 'resolved',
    );
    await page.waitForFunction(() => document.getElementById('alerts-badge')?.hidden === true);
  }, 60_000);

  it('is readable at 390 px as at 1280 px, and keeps a screenshot of each page', async () => {
    const pages = [
      ['experiments', '#/', 'table'],
      ['experiment', `#/experiments/${experimentId}`, '.verdict-card'],
      ['alerts', '#/alerts?status=', '.alert-card'],
    ] as const;
    for (const width of [390, 1280]) {
      const { page, context } = await open();
      await page.setViewportSize({ width, height: 900 });
      for (const [name, hash, ready] of pages) {
        await page.goto(`${server.base}/${hash}`);
        await page.locator(ready).first().waitFor();
        expect(await overflows(page), `${name} at ${width} px is wider than the screen`).toBe(
          false,
        );
        if (name === 'experiment') {
          const box = await page.locator('.verdict-card').first().boundingBox();
          expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);
        }
        await page.screenshot({
          path: path.join(screenshots, `${name}-${width}.png`),
          fullPage: true,
        });
      }
      await context.close();
    }
  }, 120_000);
});
