/**
 * The results function through functions-framework over data the chain really produced from
 * datasets/events-sample.csv: the service endpoints, who may call what, the reads (list and
 * paging, detail, summary, history, analytics, predictions) and the errors. Every answer is
 * checked against the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsRoutes } from '../../shared/http/results/results-routes.ts';
import type { ExperimentResult } from '../../shared/result/result-document.ts';
import {
  openSampleResultsServer,
  testReadToken,
  type ResultsServer,
} from '../shared/http/results-server.ts';

const experimentId = 'checkout-redesign';
let server: ResultsServer;
let summary: ExperimentResult;

beforeAll(async () => {
  ({ server, sample: summary } = await openSampleResultsServer());
  expect(summary.experiment_id).toBe(experimentId);
});

afterAll(async () => {
  await server.close();
});

/** A path of a route with valid-looking ids in it. */
const samplePath = (template: string) =>
  template
    .replace('{experiment_id}', experimentId)
    .replace('{analysis_id}', 'an_0123456789abcdef01234567')
    .replace('{job_id}', 'job_0123456789abcdef01234567')
    .replace('{webhook_id}', 'wh_0123456789abcdef01234567');

describe('service endpoints, no token needed', () => {
  it('GET /healthz answers ok', async () => {
    const response = await server.api('/healthz', { token: null });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('GET /openapi.json serves the OpenAPI 3.1 document', async () => {
    const response = await server.api<{ openapi: string; paths: Record<string, unknown> }>(
      '/openapi.json',
      { token: null },
    );
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toContain('/v1/experiments/{experiment_id}/summary');
  });

  it('GET /docs serves a self-contained HTML page', async () => {
    const response = await server.api<string>('/docs', { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(response.body).toContain('<h1>abtest results API</h1>');
    expect(response.body).toContain('/v1/model/predictions/{experiment_id}');
  });
});

describe('bearer tokens', () => {
  const protectedRoutes = resultsRoutes.filter((route) => route.access !== 'public');

  it.each(protectedRoutes.map((route) => [route.method, route.path]))(
    '%s %s answers 401 with WWW-Authenticate without a token',
    async (method, template) => {
      const response = await server.api(samplePath(template), { method, token: null });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="abtest"');
      expect(response.body).toEqual({
        error: 'missing bearer token: send Authorization: Bearer <token>',
      });
    },
  );

  it('answers 401 for a wrong token', async () => {
    const response = await server.api('/v1/experiments', { token: 'not-the-token-at-all-123' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="abtest", error="invalid_token"',
    );
  });

  it('lets the read token read but not write (403)', async () => {
    expect((await server.api('/v1/experiments', { token: testReadToken })).status).toBe(200);
    const write = await server.api('/v1/analytics/run', {
      method: 'POST',
      token: testReadToken,
      body: { experiment_id: experimentId },
    });
    expect(write.status).toBe(403);
    expect(write.body).toEqual({ error: 'this token may only read' });
  });

  it('checks no token when Cloud Run IAM guards the function', async () => {
    server.use({ ...server.stack.deps, config: { ...server.stack.deps.config, auth: 'iam' } });
    try {
      const response = await server.api(`/v1/experiments/${experimentId}`, { token: null });
      expect(response.status).toBe(200);
    } finally {
      server.use();
    }
  });

  it('refuses everything (503) when no token is configured', async () => {
    const config = { ...server.stack.deps.config, apiToken: undefined, apiReadToken: undefined };
    server.use({ ...server.stack.deps, config });
    try {
      const response = await server.api('/v1/experiments', { token: null });
      expect(response.status).toBe(503);
      expect((await server.api('/healthz', { token: null })).status).toBe(200);
    } finally {
      server.use();
    }
  });
});

describe('reads', () => {
  it('GET /v1/experiments lists the experiment with its latest analysis', async () => {
    const response = await server.api<{ items: unknown[]; next_cursor: string | null }>(
      '/v1/experiments',
    );
    expect(response.status).toBe(200);
    expect(response.body.items).toContainEqual({
      experiment_id: experimentId,
      name: null,
      status: 'running',
      latest_analysis_id: summary.analysis_id,
      computed_at: summary.computed_at,
      users: summary.data.users,
    });
  });

  it('pages through every experiment with limit and cursor', async () => {
    for (const id of ['page-a', 'page-b', 'page-c', 'page-d']) {
      await server.stack.deps.db.query(
        `INSERT INTO experiments (experiment_id, name) VALUES ($1, $2)`,
        [id, `Page ${id}`],
      );
    }
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = await server.api<{
        items: { experiment_id: string }[];
        next_cursor: string | null;
      }>(`/v1/experiments?limit=2${query}`);
      expect(page.status).toBe(200);
      sizes.push(page.body.items.length);
      seen.push(...page.body.items.map((item) => item.experiment_id));
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    const all = await server.stack.deps.db.query<{ experiment_id: string }>(
      'SELECT experiment_id FROM experiments ORDER BY experiment_id',
    );
    expect(seen).toEqual(all.rows.map((row) => row.experiment_id));
    expect(seen).toEqual(expect.arrayContaining([experimentId, 'page-a', 'page-d']));
    expect(sizes.slice(0, -1).every((size) => size === 2)).toBe(true);
  });

  it('GET /v1/experiments/{id} gives the experiment, its batch count and links', async () => {
    const response = await server.api<Record<string, unknown>>(`/v1/experiments/${experimentId}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      experiment_id: experimentId,
      name: null,
      status: 'running',
      definition: null,
      latest_analysis_id: summary.analysis_id,
      batch_count: 1,
      links: {
        summary: `/v1/experiments/${experimentId}/summary`,
        report_csv: `/v1/experiments/${experimentId}/report?format=csv`,
      },
    });
  });

  it('GET /v1/experiments/{id}/summary is exactly the result document experiment', async () => {
    const response = await server.api<ExperimentResult>(`/v1/experiments/${experimentId}/summary`);
    expect(response.status).toBe(200);
    // Apart from `report`: the API links to its own downloads, never to where files are kept.
    const base = `/v1/experiments/${experimentId}/reports/${summary.analysis_id}`;
    expect(response.body).toEqual({
      ...summary,
      report: summary.report === null ? null : { pdf: `${base}.pdf`, csv: `${base}.csv` },
    });
  });

  it('GET /v1/experiments/{id}/results?granularity=day gives each day with its confidence sequence', async () => {
    const response = await server.api<{
      granularity: string;
      analysis_id: string;
      planning: unknown;
      days: { date: string; metric: string; users: number; sequential_ci: [number, number] }[];
    }>(`/v1/experiments/${experimentId}/results?granularity=day`);
    expect(response.status).toBe(200);
    expect(response.body.granularity).toBe('day');
    expect(response.body.analysis_id).toBe(summary.analysis_id);
    expect(response.body.planning).toEqual(summary.planning);
    expect(response.body.days).toEqual(summary.by_day);
    const conversion = response.body.days.filter((day) => day.metric === 'conversion');
    expect(conversion[0]?.date).toBe('2026-01-05');
    expect(conversion.at(-1)?.users).toBe(summary.data.users);
    const refused = await server.api<{ error: string }>(
      `/v1/experiments/${experimentId}/results?granularity=hour`,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('granularity must be day, not "hour"');
  });

  it('POST /v1/plan gives the sample size for an MDE, and 422 naming a missing field', async () => {
    const response = await server.api<{ total_users: number; days_needed: number }>('/v1/plan', {
      method: 'POST',
      body: { metric: 'binomial', baseline: 0.05, mde: 0.1, daily_users: 5000 },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total_users: 62436, days_needed: 13 });
    const refused = await server.api<{ error: string }>('/v1/plan', {
      method: 'POST',
      body: { metric: 'binomial', mde: 0.1 },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('baseline: a binomial plan needs baseline');
  });

  it('GET /v1/experiments/{id}/analyses gives the history with its runs', async () => {
    const response = await server.api<{ items: Record<string, unknown>[] }>(
      `/v1/experiments/${experimentId}/analyses`,
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      experiment_id: experimentId,
      latest_analysis_id: summary.analysis_id,
      next_cursor: null,
    });
    expect(response.body.items).toHaveLength(1);
    expect(response.body.items[0]).toMatchObject({
      analysis_id: summary.analysis_id,
      computed_at: summary.computed_at,
      input_batches: 1,
      users: summary.data.users,
      is_latest: true,
      runs: [{ trigger: 'batch', outcome: 'new', job_id: null }],
    });
  });

  it('GET /v1/analytics/results/{id} gives p-values, lifts and intervals with report links', async () => {
    const response = await server.api<Record<string, unknown>>(
      `/v1/analytics/results/${experimentId}`,
    );
    expect(response.status).toBe(200);
    const base = `/v1/experiments/${experimentId}`;
    expect(response.body).toEqual({
      experiment_id: experimentId,
      analysis_id: summary.analysis_id,
      computed_at: summary.computed_at,
      alpha: 0.05,
      users: summary.data.users,
      srm: { p_value: summary.srm.p_value, flagged: summary.srm.flagged },
      metrics: summary.metrics,
      links: {
        summary: `${base}/summary`,
        report_pdf: summary.report === null ? null : `${base}/reports/${summary.analysis_id}.pdf`,
        report_csv: summary.report === null ? null : `${base}/reports/${summary.analysis_id}.csv`,
      },
      plots: expect.any(Array),
    });
    // The charts, once the report is written: each downloadable through the API.
    const plots = response.body.plots as { name: string; url: string }[];
    if (summary.report === null) expect(plots).toEqual([]);
    else expect(plots.map((plot) => plot.name)).toContain('forest-conversion.svg');
    for (const plot of plots) {
      expect(plot.url).toBe(`${base}/analyses/${summary.analysis_id}/plots/${plot.name}`);
    }
  });

  it('GET /v1/model/predictions/{id} gives model deltas and lifts vs the control mean', async () => {
    const response = await server.api<{
      control: string;
      treatments: {
        variant: string;
        effects: {
          metric: string;
          predicted_delta: number;
          ci: [number, number];
          control_mean: number;
          relative_lift: number;
          relative_lift_ci: [number, number];
        }[];
      }[];
    }>(`/v1/model/predictions/${experimentId}`);
    expect(response.status).toBe(200);
    expect(response.body.control).toBe('control');
    expect(response.body.treatments.map((t) => t.variant)).toEqual(['treatment']);
    const effects = response.body.treatments[0]?.effects ?? [];
    expect(effects.map((effect) => effect.metric)).toEqual(['conversion', 'revenue']);
    for (const effect of effects) {
      const model = summary.models.find((m) => m.metric === effect.metric);
      const treatment = model?.treatment_effects.find((t) => t.variant === 'treatment');
      const control = summary.metrics
        .find((m) => m.name === effect.metric)
        ?.variants.find((v) => v.is_control);
      expect(effect.predicted_delta).toBe(treatment?.predicted_delta);
      expect(effect.ci).toEqual(treatment?.ci);
      expect(effect.control_mean).toBe(control?.mean);
      const mean = control?.mean ?? Number.NaN;
      expect(effect.relative_lift).toBeCloseTo(effect.predicted_delta / mean, 12);
      expect(effect.relative_lift_ci[0]).toBeCloseTo(effect.ci[0] / mean, 12);
      expect(effect.relative_lift_ci[1]).toBeCloseTo(effect.ci[1] / mean, 12);
    }
  });
});

describe('errors', () => {
  it.each([
    [
      'an experiment id with a slash',
      '/v1/experiments/..%2Fraw/summary',
      /not a valid experiment id/,
    ],
    [
      'an experiment id starting with a dot',
      '/v1/experiments/.hidden',
      /not a valid experiment id/,
    ],
    [
      'an analysis id that walks out of reports/',
      `/v1/experiments/${experimentId}/reports/..%2F..%2Fraw%2Fbatches.pdf`,
      /not a valid analysis id/,
    ],
    ['a job id', '/v1/jobs/job_123', /not a valid job id/],
    ['a webhook id', '/v1/webhooks/hook-1/deliveries', /not a valid webhook id/],
    ['a limit of 0', '/v1/experiments?limit=0', /limit must be an integer from 1 to 100/],
    ['a limit of 101', '/v1/experiments?limit=101', /limit must be an integer from 1 to 100/],
    ['a forged cursor', '/v1/experiments?cursor=eyJ4IjoxfQ', /not a valid cursor/],
    ['an unknown report format', `/v1/experiments/${experimentId}/report?format=xml`, /pdf or csv/],
  ])('answers 400 for %s', async (_case, url, message) => {
    const response = await server.api<{ error: string }>(url);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(message);
  });

  it.each([
    ['an unknown experiment', '/v1/experiments/no-such-experiment', /unknown experiment/],
    ['an experiment without analysis', '/v1/experiments/page-a/summary', /has no analysis yet/],
    ['predictions without analysis', '/v1/model/predictions/page-a', /has no analysis yet/],
    ['an unknown job', '/v1/jobs/job_0123456789abcdef01234567', /unknown job/],
    [
      'an unknown analysis',
      `/v1/experiments/${experimentId}/reports/an_0123456789abcdef01234567.pdf`,
      /unknown analysis/,
    ],
    ['an unknown path', '/v1/nothing/here', /no route/],
  ])('answers 404 for %s', async (_case, url, message) => {
    const response = await server.api<{ error: string }>(url);
    expect(response.status).toBe(404);
    expect(response.body.error).toMatch(message);
  });

  it('answers 405 with Allow for a known path under another method', async () => {
    const remove = await server.api('/v1/experiments', { method: 'DELETE' });
    expect(remove.status).toBe(405);
    expect(remove.headers.get('allow')).toBe('GET, POST');
    const post = await server.api('/healthz', { method: 'POST', body: {} });
    expect(post.status).toBe(405);
    const webhooks = await server.api('/v1/webhooks', { method: 'PUT', body: {} });
    expect(webhooks.headers.get('allow')).toBe('GET, POST');
  });

  it('answers 413 for a body over 64 KiB and 415 for one that is not JSON', async () => {
    const large = await server.api<{ error: string }>('/v1/analytics/run', {
      method: 'POST',
      body: { experiment_id: experimentId, padding: 'x'.repeat(70 * 1024) },
    });
    expect(large.status).toBe(413);
    expect(large.body.error).toBe('the request body is larger than the limit of 65536 bytes');
    const text = await server.api('/v1/analytics/run', {
      method: 'POST',
      body: `experiment_id=${experimentId}`,
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
  });

  it('answers 400 for a body of the wrong shape', async () => {
    const missing = await server.api<{ error: string }>('/v1/analytics/run', {
      method: 'POST',
      body: { experiment: experimentId },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/^experiment_id: /);
    const invalid = await server.api<{ error: string }>('/v1/model/train', {
      method: 'POST',
      body: { experiment_id: '../etc' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toBe('experiment_id: not a valid experiment id');
  });
});
