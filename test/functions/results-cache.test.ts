/**
 * The results cache through the function: hot reads are served from the cache while the
 * experiment's state is unchanged (shown by editing a stored document behind the cache's
 * back), and a new analysis landing (a second half of the data run through the chain) is
 * served at once, without waiting for the TTL (600 s here): the entries are keyed by the
 * experiment's state read from the database, which every instance shares.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFiles } from '../../shared/local/run-files.ts';
import type { ExperimentResult } from '../../shared/result/result-document.ts';
import { openResultsServer, type ResultsServer } from '../shared/http/results-server.ts';

const experimentId = 'checkout-redesign';
let server: ResultsServer;
let halves: [string, string];

/** The hot reads of one experiment, as the API answers them. */
async function hotReads() {
  const get = async <T>(url: string) => {
    const response = await server.api<T>(url);
    expect(response.status).toBe(200);
    return response.body;
  };
  return {
    summary: await get<ExperimentResult>(`/v1/experiments/${experimentId}/summary`),
    analytics: await get<{ analysis_id: string; alpha: number }>(
      `/v1/analytics/results/${experimentId}`,
    ),
    predictions: await get<{ analysis_id: string }>(`/v1/model/predictions/${experimentId}`),
    detail: await get<{ latest_analysis_id: string; batch_count: number }>(
      `/v1/experiments/${experimentId}`,
    ),
    history: await get<{ items: { analysis_id: string }[] }>(
      `/v1/experiments/${experimentId}/analyses`,
    ),
    list: await get<{ items: { experiment_id: string; latest_analysis_id: string }[] }>(
      '/v1/experiments',
    ),
  };
}

beforeAll(async () => {
  server = await openResultsServer({}, { chain: true });
  const [header, ...rows] = (await readFile(path.resolve('datasets/events-sample.csv'), 'utf8'))
    .trimEnd()
    .split('\n');
  const middle = Math.floor(rows.length / 2);
  halves = [
    path.join(server.stack.dataDir, 'first-half.csv'),
    path.join(server.stack.dataDir, 'second-half.csv'),
  ];
  await writeFile(halves[0], `${header}\n${rows.slice(0, middle).join('\n')}\n`);
  await writeFile(halves[1], `${header}\n${rows.slice(middle).join('\n')}\n`);
});

afterAll(async () => {
  await server.close();
});

describe('the results cache', () => {
  it('serves cached reads until a new analysis lands, then the new one at once', async () => {
    const first = await runFiles(server.stack.deps, [{ path: halves[0] }]);
    const firstSummary = first.document.experiments[0] as ExperimentResult;
    const before = await hotReads();
    expect(withoutReport(before.summary)).toEqual(withoutReport(firstSummary));
    expect(before.analytics.alpha).toBe(0.05);

    // Behind the cache's back: the stored document changes, the experiment's state does not.
    await server.stack.deps.db.query(
      `UPDATE analyses SET document = jsonb_set(document, '{alpha}', '0.2') WHERE analysis_id = $1`,
      [firstSummary.analysis_id],
    );
    const cached = await hotReads();
    expect(cached.summary.alpha).toBe(0.05);
    expect(cached.analytics.alpha).toBe(0.05);

    const second = await runFiles(server.stack.deps, [{ path: halves[1] }]);
    const secondSummary = second.document.experiments[0] as ExperimentResult;
    expect(secondSummary.analysis_id).not.toBe(firstSummary.analysis_id);
    const after = await hotReads();
    expect(withoutReport(after.summary)).toEqual(withoutReport(secondSummary));
    expect(after.analytics.analysis_id).toBe(secondSummary.analysis_id);
    expect(after.predictions.analysis_id).toBe(secondSummary.analysis_id);
    expect(after.detail).toMatchObject({
      latest_analysis_id: secondSummary.analysis_id,
      batch_count: 2,
    });
    expect(after.history.items.map((item) => item.analysis_id)).toEqual([
      secondSummary.analysis_id,
      firstSummary.analysis_id,
    ]);
    expect(after.list.items).toContainEqual(
      expect.objectContaining({
        experiment_id: experimentId,
        latest_analysis_id: secondSummary.analysis_id,
      }),
    );
  });

  it('shows a rerun without new data in the history at once', async () => {
    const before = await server.api<{ items: { runs: unknown[] }[] }>(
      `/v1/experiments/${experimentId}/analyses`,
    );
    const runsBefore = before.body.items[0]?.runs.length ?? 0;
    const job = await server.api('/v1/analytics/run', {
      method: 'POST',
      body: { experiment_id: experimentId },
    });
    expect(job.status).toBe(202);
    await server.stack.deps.bus.idle();
    const after = await server.api<{ items: { runs: { outcome: string }[] }[] }>(
      `/v1/experiments/${experimentId}/analyses`,
    );
    expect(after.body.items[0]?.runs).toHaveLength(runsBefore + 1);
    expect(after.body.items[0]?.runs.at(-1)?.outcome).toBe('unchanged');
  });
});

/** The served summary links its reports through the API, where `abtest run` shows files. */
function withoutReport(summary: ExperimentResult) {
  const { report: _report, ...rest } = summary;
  return rest;
}
