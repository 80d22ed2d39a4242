/**
 * Running experiments from the dashboard, in Chromium, against the whole API on one port:
 * creating one through the form (the API's own validation messages shown beside the fields
 * at fault), editing it (a frozen field refused), moving it through its lifecycle with a
 * confirmation, its audit log, looking up a user's assignment, and uploading a definition and
 * a unit-level table through the upload form.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionMessages } from '../../shared/analysis/definition-messages.ts';
import {
  browserSuite,
  closeDashboards,
  hasChromium,
  launchChromium,
  openDashboard,
  type OpenedDashboard,
} from './browser.ts';
import { dashboardToken, openDashboardServer, type DashboardServer } from './dashboard-server.ts';

let server: DashboardServer;
let browser: Browser;
let scratch: string;
const opened: OpenedDashboard[] = [];

async function open(hash = '#/'): Promise<Page> {
  const dashboard = await openDashboard(browser, server.base, dashboardToken);
  opened.push(dashboard);
  await dashboard.page.evaluate((target) => {
    location.hash = target;
  }, hash);
  return dashboard.page;
}

async function fieldError(page: Page, fieldPath: string): Promise<string> {
  const error = page.locator(`[data-path="${fieldPath}"] > .field-error`).first();
  await error.waitFor();
  return (await error.textContent()) ?? '';
}

describe.skipIf(!hasChromium)(browserSuite('running experiments from the dashboard'), () => {
  beforeAll(async () => {
    server = await openDashboardServer();
    browser = await launchChromium();
    scratch = await mkdtemp(path.join(os.tmpdir(), 'abtest-dashboard-exp-'));
  });

  afterAll(async () => {
    await closeDashboards(opened, browser, server);
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  it("creates an experiment, showing the API's messages beside the fields at fault", async () => {
    const page = await open();
    await page.getByRole('link', { name: 'New experiment' }).click();
    await page.getByRole('heading', { name: 'New experiment' }).waitFor();
    await page.getByLabel('Id', { exact: true }).fill('dash-exp');
    await page.getByLabel('Name', { exact: true }).first().fill('Dashboard checkout');
    await page.getByLabel('Owner').fill('growth');
    await page.getByLabel('Traffic allocation').fill('1.5');
    const weights = page.locator('.variant-row [name="weight"]');
    await weights.nth(0).fill('60');
    await weights.nth(1).fill('60');
    await page.getByRole('button', { name: 'Create draft' }).click();
    expect(await fieldError(page, 'traffic_allocation')).toBe(definitionMessages.allocationRange);
    expect(await fieldError(page, 'variants')).toBe(definitionMessages.weightsSum(120));
    expect(await page.getByLabel('Traffic allocation').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Traffic allocation').fill('0.2');
    await weights.nth(0).fill('50');
    await weights.nth(1).fill('50');
    await page.locator('.variant-row [name="config"]').nth(1).fill('{"pages": 1}');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('heading', { name: 'Dashboard checkout' }).waitFor();
    expect(await page.locator('[data-field="lifecycle-status"]').textContent()).toBe('draft');
    const stored = await server.api<{
      status: string;
      version: number;
      definition: Record<string, unknown>;
    }>('/v1/experiments/dash-exp');
    expect(stored).toMatchObject({ status: 'draft', version: 1 });
    expect(stored.definition).toMatchObject({
      owner: 'growth',
      traffic_allocation: 0.2,
      variants: [
        { key: 'control', weight: 50, control: true },
        { key: 'treatment', weight: 50, control: false, config: { pages: 1 } },
      ],
    });
  });

  it('moves the experiment through its lifecycle after a confirmation, and shows the audit log', async () => {
    const page = await open('#/experiments/dash-exp');
    await page.locator('button.move[data-to="running"]').click();
    const dialog = page.locator('dialog.confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('.question').textContent()).toBe(
      'Move dash-exp from draft to running?',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.isVisible()).toBe(false);
    expect((await server.api<{ status: string }>('/v1/experiments/dash-exp')).status).toBe('draft');

    await page.locator('button.move[data-to="running"]').click();
    await dialog.getByLabel('Reason (kept in the audit log, optional)').fill('launch day');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('[data-field="lifecycle-status"]', { hasText: 'running' }).waitFor();
    expect((await server.api<{ status: string }>('/v1/experiments/dash-exp')).status).toBe(
      'running',
    );
    expect(await page.locator('button.move').allTextContents()).toEqual(['Pause', 'Complete']);

    const rows = page.locator('.audit-table tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(1).locator('[data-field="action"]').textContent()).toBe('status');
    expect(await rows.nth(1).locator('[data-field="who"]').textContent()).toBe('api');
    expect(await rows.nth(1).locator('[data-field="changes"]').textContent()).toBe(
      'draft → running',
    );
    expect(await rows.nth(1).locator('[data-field="reason"]').textContent()).toBe('launch day');
  });

  it("edits the definition: a shrinking allocation is refused with the API's message, a ramp saved", async () => {
    const page = await open('#/experiments/dash-exp/edit');
    await page.getByRole('heading', { name: 'Edit dash-exp' }).waitFor();
    expect(await page.getByLabel('Traffic allocation').inputValue()).toBe('0.2');
    await page.getByLabel('Traffic allocation').fill('0.1');
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(await fieldError(page, 'traffic_allocation')).toBe(
      'experiment dash-exp has run: traffic_allocation may only grow (a ramp): it is 0.2, not 0.1',
    );
    await page.getByLabel('Traffic allocation').fill('0.5');
    await page.getByLabel('Hypothesis').fill('One page converts more.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Dashboard checkout' }).waitFor();
    const stored = await server.api<{ version: number; definition: Record<string, unknown> }>(
      '/v1/experiments/dash-exp',
    );
    expect(stored.version).toBe(3);
    expect(stored.definition).toMatchObject({
      traffic_allocation: 0.5,
      hypothesis: 'One page converts more.',
      owner: 'growth',
    });
  });

  it("looks up a user's assignment", async () => {
    const page = await open('#/experiments/dash-exp');
    const expected = await server.api<{ variant: string | null; bucket: number }>(
      '/v1/experiments/dash-exp/assignment/user-6',
    );
    await page.getByLabel('User id').fill('user-6');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('[data-field="bucket"]').waitFor();
    expect(await page.locator('[data-field="bucket"]').textContent()).toBe(String(expected.bucket));
    expect(await page.locator('[data-field="variant"]').textContent()).toBe(
      expected.variant ?? 'none: outside the traffic allocation',
    );
  });

  it('uploads a definition file, and a unit-level table with its experiment and variant column', async () => {
    const definitionFile = path.join(scratch, 'dash-def.yaml');
    await writeFile(
      definitionFile,
      'id: dash-units\nname: Cookie cats\nunit_table: {variant_column: version, control: gate_30}\n',
    );
    const page = await open();
    await page.getByLabel('Definition', { exact: true }).check();
    await page.getByLabel('Definition file').setInputFiles(definitionFile);
    await page.getByRole('button', { name: 'Upload' }).click();
    const done = page.locator('.upload-result .notice.success');
    await done.waitFor();
    expect(await done.textContent()).toBe(
      'dash-def.yaml: experiment dash-units created, running (version 1).',
    );

    const table = path.join(scratch, 'table.csv');
    await writeFile(
      table,
      [
        'user_id,version,rounds',
        ...Array.from(
          { length: 40 },
          (_, i) => `u${i},${i % 2 === 0 ? 'gate_30' : 'gate_40'},${i}`,
        ),
      ].join('\n'),
    );
    await page.getByLabel('Unit-level table', { exact: true }).check();
    await page.getByLabel('Experiment', { exact: true }).fill('dash-units');
    await page.getByLabel('Variant column').fill('version');
    await page.getByLabel('Unit-level table file').setInputFiles(table);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page
      .locator('.upload-result .notice.success')
      .filter({ hasText: 'is validated' })
      .waitFor({
        timeout: 45_000,
      });
    expect(await page.locator('[data-field="experiments"] a').textContent()).toBe('dash-units');
    await server.stack.deps.bus.idle();
    const summary = await server.api<{ data: { users: number }; metrics: { name: string }[] }>(
      '/v1/experiments/dash-units/summary',
    );
    expect(summary.data.users).toBe(40);
    expect(summary.metrics.map((metric) => metric.name)).toEqual(['rounds']);
  });
});
