/**
 * Uploading through the dashboard's own form, in Chromium, against the whole API on one port:
 * a new file is followed until validated and analysed; a file rejected whole shows the API's
 * reason; a variant named like markup shows as text and runs nothing; and where the upload
 * endpoint is not on the same origin (the results function alone) the form says so.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentResult } from '../../shared/result/result-document.ts';
import {
  browserSuite,
  closeDashboards,
  hasChromium,
  launchChromium,
  openDashboard,
  type OpenedDashboard,
} from './browser.ts';
import { dashboardToken, openDashboardServer, type DashboardServer } from './dashboard-server.ts';

const experimentId = 'xss-check';
const hostileVariants = ['<img src=x onerror=alert(1)>', '"><svg onload=alert(2)>'];
const usersPerVariant = 24;
let server: DashboardServer;
let browser: Browser;
let scratch: string;
let eventsFile: string;
const opened: OpenedDashboard[] = [];

/** One CSV field, quoted (RFC 4180). */
const quoted = (value: string) => `"${value.replace(/"/g, '""')}"`;

/** A small experiment: a control and two variants with hostile names, some purchases. */
function hostileEvents(): string {
  const rows = ['user_id,experiment_id,variant,event_type,timestamp,value,device'];
  ['control', ...hostileVariants].forEach((variant, arm) => {
    for (let user = 0; user < usersPerVariant; user += 1) {
      const id = `u${arm}-${user}`;
      const device = user % 2 === 0 ? 'mobile' : 'desktop';
      const day = String(1 + (user % 9)).padStart(2, '0');
      rows.push(
        [
          id,
          experimentId,
          quoted(variant),
          'exposure',
          `2026-02-${day}T10:00:00Z`,
          '',
          device,
        ].join(','),
      );
      if ((user + arm) % 4 === 0) {
        const value = (10 + user + arm * 3).toFixed(2);
        rows.push(
          [
            id,
            experimentId,
            quoted(variant),
            'purchase',
            `2026-02-${day}T11:00:00Z`,
            value,
            device,
          ].join(','),
        );
      }
    }
  });
  return `${rows.join('\n')}\n`;
}

async function open(base = server.base): Promise<OpenedDashboard> {
  const page = await openDashboard(browser, base, dashboardToken);
  opened.push(page);
  await page.page.locator('.upload-form').waitFor();
  return page;
}

describe.skipIf(!hasChromium)(browserSuite('uploading through the dashboard in Chromium'), () => {
  beforeAll(async () => {
    server = await openDashboardServer();
    browser = await launchChromium();
    scratch = await mkdtemp(path.join(os.tmpdir(), 'abtest-dashboard-'));
    eventsFile = path.join(scratch, 'hostile-events.csv');
    await writeFile(eventsFile, hostileEvents());
  });

  afterAll(async () => {
    await closeDashboards(opened, browser, server);
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  it('uploads a file through the form, follows its batch, and lists its experiment', async () => {
    const { page } = await open();
    await page.getByLabel('Events file').setInputFiles(eventsFile);
    await page.getByRole('button', { name: 'Upload' }).click();
    const validated = page.locator('.upload-result .notice.success');
    await validated.waitFor({ timeout: 45_000 });

    const batchId = (await page.locator('[data-field="batch-id"]').textContent()) ?? '';
    expect(batchId).toMatch(/^b_[0-9a-f]{24}$/);
    expect(await validated.textContent()).toBe(
      `Batch ${batchId} is validated; the analysis follows in the background.`,
    );
    const batch = await server.api<{ status: string; accepted: number; rejected: number }>(
      `/v1/batches/${batchId}`,
    );
    expect(batch).toMatchObject({ status: 'validated', rejected: 0 });
    expect(batch.accepted).toBe(hostileEvents().trim().split('\n').length - 1);
    expect(await page.locator('[data-field="accepted"]').textContent()).toBe(
      batch.accepted.toLocaleString('en-US'),
    );
    expect(await page.locator('[data-field="experiments"] a').textContent()).toBe(experimentId);

    const row = page.locator(`tr[data-experiment="${experimentId}"]`);
    await row.waitFor({ timeout: 45_000 });
    expect(await row.locator('[data-field="users"]').textContent()).toBe(
      String(usersPerVariant * (1 + hostileVariants.length)),
    );
  });

  it('shows variant names made of markup as text, and runs none of it', async () => {
    await server.stack.deps.bus.idle();
    const { page, dialogs } = await open();
    await page.goto(`${server.base}/#/experiments/${experimentId}`);
    await page.locator('.metric-table').first().waitFor();

    const summary = await server.api<ExperimentResult>(`/v1/experiments/${experimentId}/summary`);
    const conversion = summary.metrics.find((metric) => metric.name === 'conversion');
    const treatments = conversion?.comparisons.map((comparison) => comparison.variant) ?? [];
    expect([...treatments].sort()).toEqual([...hostileVariants].sort());

    const names = await page
      .locator('.metric-table[data-metric="conversion"] th.variant')
      .evaluateAll((cells) => cells.map((cell) => cell.firstChild?.textContent));
    expect(names).toEqual(['control', ...treatments]);
    const marks = page.locator('svg.forest[data-metric="conversion"] .forest-mark');
    expect(
      await marks.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-variant'))),
    ).toEqual(treatments);
    const described = await marks.locator('title').allTextContents();
    treatments.forEach((name, index) =>
      expect(described[index]?.startsWith(`${name}: `)).toBe(true),
    );
    expect(await page.locator('.verdict-card h3').allTextContents()).toEqual(
      treatments.map((name) => `${name} vs control`),
    );
    // The only pictures are the page's own charts: forest plots and the live section's.
    expect(
      await page
        .locator(
          'main img, main svg:not(.forest):not(.windows-chart):not(.posterior-curves):not(.sequence-chart), main script',
        )
        .count(),
    ).toBe(0);
    expect(await page.locator('main').textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(dialogs).toEqual([]);
  });

  it('shows a variant name of 100,000 characters cut, with a mark', async () => {
    const longName = `long-${'x'.repeat(100_000)}`;
    const rows = ['user_id,experiment_id,variant,event_type,timestamp'];
    for (const [arm, variant] of ['control', longName].entries()) {
      for (let user = 0; user < usersPerVariant; user += 1) {
        rows.push(`l${arm}-${user},long-names,${variant},exposure,2026-02-01T10:00:00Z`);
      }
    }
    const upload = await fetch(`${server.base}/v1/ingest/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dashboardToken}`, 'content-type': 'text/csv' },
      body: `${rows.join('\n')}\n`,
    });
    expect(upload.status).toBe(202);
    await server.stack.deps.bus.idle();

    const { page } = await open();
    await page.goto(`${server.base}/#/experiments/long-names`);
    await page.locator('.metric-table').first().waitFor();
    const names = await page
      .locator('.metric-table[data-metric="conversion"] th.variant')
      .evaluateAll((cells) => cells.map((cell) => cell.firstChild?.textContent ?? ''));
    expect(names).toEqual(['control', `${longName.slice(0, 500)}\u2026`]);
    expect(await page.locator('main').textContent()).not.toContain('x'.repeat(600));
  });

  it("shows the API's reason for a file rejected whole", async () => {
    const bad = path.join(scratch, 'no-timestamps.csv');
    await writeFile(bad, 'user_id,experiment_id,variant,event_type\nu1,e1,control,exposure\n');
    const { page } = await open();
    await page.getByLabel('Events file').setInputFiles(bad);
    await page.getByRole('button', { name: 'Upload' }).click();
    const refusal = page.locator('.upload-result .notice.error').first();
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^The file was rejected \(4\d\d\): .*timestamp/);
  });

  it('says the upload endpoint is elsewhere when this origin has none (404)', async () => {
    const { page } = await open(server.resultsOnlyBase);
    await page.getByLabel('Events file').setInputFiles(eventsFile);
    await page.getByRole('button', { name: 'Upload' }).click();
    const message = page.locator('.upload-result .notice.error');
    await message.waitFor();
    expect(await message.textContent()).toMatch(
      /^This server has no upload endpoint \(404\): it serves the results API alone\. Upload to the ingest function instead/,
    );
  });
});
