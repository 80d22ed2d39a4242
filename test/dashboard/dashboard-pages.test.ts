/**
 * The dashboard in Chromium over data the chain really produced from
 * datasets/events-sample.csv: the token (and the 401, 403 and 503 messages), the experiments
 * list, the experiment page against the API's own numbers, the forest plot, the report
 * downloads and a re-run followed to its end.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFiles } from '../../shared/local/run-files.ts';
import type { ExperimentResult } from '../../shared/result/result-document.ts';
import {
  browserSuite,
  closeDashboards,
  enterToken,
  hasChromium,
  launchChromium,
  openDashboard,
  type OpenedDashboard,
} from './browser.ts';
import {
  dashboardReadToken,
  dashboardToken,
  openDashboardServer,
  type DashboardServer,
} from './dashboard-server.ts';

const experimentId = 'checkout-redesign';
let server: DashboardServer;
let browser: Browser;
let summary: ExperimentResult;
const opened: OpenedDashboard[] = [];

/** What a cell says, read from the page. */
const cell = (page: Page, selector: string) => page.locator(selector).first();
const numberOf = async (page: Page, selector: string) =>
  Number(await cell(page, selector).getAttribute('data-value'));

async function open(token?: string, base = server.base): Promise<OpenedDashboard> {
  const page = await openDashboard(browser, base, token);
  opened.push(page);
  return page;
}

describe.skipIf(!hasChromium)(browserSuite('the dashboard in Chromium'), () => {
  beforeAll(async () => {
    server = await openDashboardServer();
    const { document, problems } = await runFiles(server.stack.deps, [
      { path: path.resolve('datasets/events-sample.csv') },
    ]);
    expect(problems).toEqual([]);
    await server.stack.deps.bus.idle();
    summary = await server.api<ExperimentResult>(`/v1/experiments/${experimentId}/summary`);
    expect(summary.analysis_id).toBe(document.experiments[0]?.analysis_id);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await closeDashboards(opened, browser, server);
  });

  it('asks for the token, explains a refused one (401), then lists the experiments', async () => {
    const { page } = await open();
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Paste the API token at the top of the page',
    );

    await enterToken(page, 'not-the-token-at-all-0123');
    const refusal = page.locator('main .notice.error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(
      'The API refused this token (401: invalid bearer token). Check it and paste it again at the top of the page.',
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');

    await enterToken(page, dashboardToken);
    const row = page.locator(`tr[data-experiment="${experimentId}"]`);
    await row.waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('abtest.token'))).toBe(dashboardToken);
    expect(await row.locator('th').textContent()).toBe(experimentId);
    expect(await row.locator('td').allTextContents()).toEqual([
      '—',
      'running',
      summary.data.users.toLocaleString('en-US'),
      `${summary.computed_at.slice(0, 10)} ${summary.computed_at.slice(11, 16)} UTC`,
    ]);
  });

  it('says when the server has no token configured (503)', async () => {
    const { page } = await open(dashboardToken, server.noTokenBase);
    const message = page.locator('main .notice.error');
    await message.waitFor();
    expect(await message.textContent()).toMatch(
      /^The API is not ready to serve \(503: the results API has no token configured: set ABTEST_API_TOKEN/,
    );
  });

  it("shows the analysis's numbers, as the API has them", async () => {
    const { page } = await open(dashboardToken);
    await page.goto(`${server.base}/#/experiments/${experimentId}`);
    await page.locator('.metric-table').first().waitFor();
    expect(await page.locator('h1').textContent()).toBe(experimentId);
    expect(await cell(page, '[data-field="analysis-id"]').textContent()).toBe(summary.analysis_id);
    expect(await cell(page, '.facts [data-field="users"]').textContent()).toBe(
      summary.data.users.toLocaleString('en-US'),
    );

    for (const metric of summary.metrics) {
      for (const variant of metric.variants) {
        const row = `.metric-table[data-metric="${metric.name}"] tr[data-variant="${variant.variant}"]`;
        expect(await numberOf(page, `${row} [data-field="users"]`)).toBe(variant.users);
        expect(await numberOf(page, `${row} [data-field="mean"]`)).toBe(variant.mean);
        expect(await cell(page, `${row} [data-field="users"]`).textContent()).toBe(
          variant.users.toLocaleString('en-US'),
        );
      }
      for (const comparison of metric.comparisons) {
        const row = `.metric-table[data-metric="${metric.name}"] tr[data-variant="${comparison.variant}"]`;
        expect(await numberOf(page, `${row} [data-field="lift"]`)).toBe(comparison.relative_lift);
        expect(await numberOf(page, `${row} [data-field="p-value"]`)).toBe(comparison.p_value);
        expect(await numberOf(page, `${row} [data-field="p-adjusted"]`)).toBe(
          comparison.p_value_adjusted,
        );
        // The sample's p-values are well above 1e-4, so two significant digits.
        expect(comparison.p_value).toBeGreaterThan(1e-4);
        expect(await cell(page, `${row} [data-field="p-value"]`).textContent()).toBe(
          comparison.p_value?.toPrecision(2),
        );
      }
    }

    const conversion = summary.metrics.find((metric) => metric.name === 'conversion');
    const treatment = conversion?.comparisons[0];
    const treated = conversion?.variants.find((variant) => !variant.is_control);
    expect(treatment?.relative_lift).toBeGreaterThan(0.01);
    const lift = `+${((treatment?.relative_lift ?? 0) * 100).toFixed(1)}%`;
    const liftRow = `.metric-table[data-metric="conversion"] tr[data-variant="treatment"]`;
    expect(await cell(page, `${liftRow} [data-field="lift"] .value`).textContent()).toBe(lift);
    expect(await cell(page, `${liftRow} [data-field="mean"] .value`).textContent()).toBe(
      `${((treated?.mean ?? 0) * 100).toFixed(2)}%`,
    );
    expect(await cell(page, `${liftRow} [data-field="prob-beat"]`).textContent()).toBe(
      `${((treatment?.bayesian?.prob_beat_control ?? 0) * 100).toFixed(1)}%`,
    );

    const verdict = page.locator('.verdict-card[data-variant="treatment"]');
    expect(await verdict.locator('[data-field="lift"]').textContent()).toBe(lift);
    expect(await verdict.locator('[data-field="significant"]').textContent()).toBe(
      treatment?.significant ? 'Significant' : 'Not significant',
    );
    expect(summary.srm.flagged).toBe(false);
    expect(await page.locator('.srm').textContent()).toContain('No sample ratio mismatch');
  });

  it('draws a forest plot per metric with one mark per treatment', async () => {
    const { page } = await open(dashboardToken);
    await page.goto(`${server.base}/#/experiments/${experimentId}`);
    await page.locator('svg.forest').first().waitFor();
    for (const metric of summary.metrics) {
      const marks = page.locator(`svg.forest[data-metric="${metric.name}"] .forest-mark`);
      expect(await marks.count()).toBe(metric.comparisons.length);
      const lifts = await marks.evaluateAll((nodes) =>
        nodes.map((node) => [
          node.getAttribute('data-variant'),
          Number(node.getAttribute('data-lift')),
        ]),
      );
      expect(lifts).toEqual(metric.comparisons.map((c) => [c.variant, c.relative_lift]));
      expect(await marks.locator('circle.point').count()).toBe(metric.comparisons.length);
    }
    expect(await page.locator('svg.forest title').first().textContent()).toBe(
      'Relative lift of conversion against the control, with 95% intervals',
    );
  });

  it('shows the sequential decision, the line on power and the band narrowing by day', async () => {
    const { page } = await open(dashboardToken);
    await page.goto(`${server.base}/#/experiments/${experimentId}`);
    await page.locator('section.sequential').waitFor();
    const conversion = summary.metrics.find((metric) => metric.name === 'conversion');
    const treatment = conversion?.comparisons[0];
    const decision = page.locator('.sequential .decision[data-variant="treatment"]');
    expect(await decision.locator('[data-field="decision"]').getAttribute('data-value')).toBe(
      treatment?.decision?.action,
    );
    expect(await decision.textContent()).toContain(treatment?.decision?.reason ?? 'none');
    expect(await page.locator('[data-field="power-line"]').textContent()).toContain(
      `Planned: ${summary.planning?.planned_users.toLocaleString('en-US')} users`,
    );
    const points = await decision
      .locator('svg.sequence-chart polyline.lift')
      .getAttribute('points');
    const days = (summary.by_day ?? []).filter(
      (row) => row.metric === 'conversion' && row.relative_lift !== null,
    );
    expect(points?.split(' ')).toHaveLength(days.length);
  });

  it('plans an experiment with POST /v1/plan, and shows the field at fault', async () => {
    const { page } = await open(dashboardToken);
    await page.locator('form.plan-form').waitFor();
    await page.fill('#plan-baseline', '0.05');
    await page.fill('#plan-mde', '0.1');
    await page.fill('#plan-daily_users', '5000');
    await page.click('form.plan-form button[type="submit"]');
    const answer = page.locator('[data-field="plan"]');
    await answer.waitFor();
    expect(await answer.textContent()).toContain('in all: 62,436');
    expect(await answer.textContent()).toContain('Days needed: 13.');
    await page.fill('#plan-baseline', '');
    await page.click('form.plan-form button[type="submit"]');
    const refusal = page.locator('section.plan .notice.error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('baseline: a binomial plan needs baseline');
  });

  it('shows the model-adjusted effects and the history as the API has them', async () => {
    const predictions = await server.api<{
      treatments: { variant: string; effects: { metric: string; predicted_delta: number }[] }[];
    }>(`/v1/model/predictions/${experimentId}`);
    const history = await server.api<{ items: { analysis_id: string }[] }>(
      `/v1/experiments/${experimentId}/analyses`,
    );
    const { page } = await open(dashboardToken);
    await page.goto(`${server.base}/#/experiments/${experimentId}`);
    await page.locator('.effects-table').waitFor();
    const deltas = await page
      .locator('.effects-table [data-field="predicted-delta"]')
      .evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute('data-value'))));
    expect(deltas).toEqual(
      predictions.treatments.flatMap((t) => t.effects.map((effect) => effect.predicted_delta)),
    );
    const analyses = await page
      .locator('.history-table tr[data-analysis]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-analysis')));
    expect(analyses).toEqual(history.items.map((item) => item.analysis_id));
  });

  it('downloads the PDF and the CSV report with the token', async () => {
    const { page } = await open(dashboardToken);
    await page.goto(`${server.base}/#/experiments/${experimentId}`);
    for (const format of ['pdf', 'csv'] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator(`button.download[data-format="${format}"]`).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${experimentId}-${summary.analysis_id}.${format}`);
      const bytes = await readFile(await download.path());
      const served = await fetch(
        `${server.base}/v1/experiments/${experimentId}/report?format=${format}`,
        {
          headers: { authorization: `Bearer ${dashboardToken}` },
        },
      );
      expect(bytes.equals(Buffer.from(await served.arrayBuffer()))).toBe(true);
      if (format === 'pdf') expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      else expect(bytes.toString('utf8').length).toBeGreaterThan(100);
    }
  });

  it('re-runs the analysis: the job completes and the history marks the run unchanged', async () => {
    const { page } = await open(dashboardToken);
    await page.goto(`${server.base}/#/experiments/${experimentId}`);
    await page.getByRole('button', { name: 'Re-run analysis' }).click();
    const done = page.locator('.action-status .notice.success');
    await done.waitFor({ timeout: 45_000 });
    const text = (await done.textContent()) ?? '';
    const jobId = /\((job_[0-9a-f]{24})\)/.exec(text)?.[1] ?? '';
    expect(text).toBe(
      `Re-analysis done (${jobId}): no new data, the analysis ${summary.analysis_id} is unchanged.`,
    );
    const job = await server.api<{ status: string; result: unknown }>(`/v1/jobs/${jobId}`);
    expect(job).toMatchObject({
      status: 'completed',
      result: { analysis_id: summary.analysis_id, outcome: 'unchanged' },
    });
    const run = page.locator(`li.run[data-job="${jobId}"]`);
    await run.waitFor();
    expect(await run.getAttribute('data-outcome')).toBe('unchanged');
    expect(await run.textContent()).toContain('unchanged: no new data');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('rerun');
  });

  it('tells a read-only token that re-running needs the full token (403)', async () => {
    const { page } = await open(dashboardReadToken);
    await page.goto(`${server.base}/#/experiments/${experimentId}`);
    await page.getByRole('button', { name: 'Re-run analysis' }).click();
    const refusal = page.locator('.action-status .notice.error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(
      'This token may only read (403: this token may only read). Re-running and uploading need the full token, ABTEST_API_TOKEN.',
    );
  });
});
