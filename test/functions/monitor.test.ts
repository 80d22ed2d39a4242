/**
 * The monitor stage over the real chain (in-process bus, PGlite): generated events delivered in
 * shuffled batches give a latest snapshot that agrees with the batch analysis of the same events
 * (counts exactly, P(beat control) to 1e-9); the window rollups equal a count over the curated
 * events; a redelivered batch or tick changes nothing; the sinks write where they say.
 */
import path from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emptyTruth,
  generateEvents,
  type GeneratedRow,
} from '../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../shared/generate/write-generated-file.ts';
import { randomSource } from '../../shared/random/random-source.ts';
import type { ExperimentResult } from '../../shared/result/result-document.ts';
import { ingestCsvFile } from '../support/ingest-csv-file.ts';
import { monitorBatch } from '../../shared/stages/monitor.ts';
import { snapshotCsvKey, tickMonitor } from '../../shared/stages/monitor-tick.ts';
import { readSnapshots, readWindows } from '../../shared/store/live-records.ts';
import { openLocalStack, type LocalStack } from '../support/local-stack.ts';

let stack: LocalStack;
const experimentId = 'live-agree';
const batchCount = 4;

async function upload(rows: readonly GeneratedRow[], name: string): Promise<void> {
  const file = path.join(stack.dataDir, name);
  await writeGeneratedFile(file, 'csv', rows);
  await ingestCsvFile(stack.deps, file);
}

beforeAll(async () => {
  stack = await openLocalStack({}, { chain: true });
  const options = { users: 1200, seed: 14, experimentId, conversionLift: 0.2 };
  const rows = [...generateEvents(options, emptyTruth(options))];
  // Shuffled, then cut in batches: exposures may arrive after their purchases.
  const random = randomSource(99);
  for (let i = rows.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random.next() * (i + 1));
    [rows[i], rows[j]] = [rows[j] as GeneratedRow, rows[i] as GeneratedRow];
  }
  const size = Math.ceil(rows.length / batchCount);
  for (let b = 0; b < batchCount; b += 1) {
    await upload(rows.slice(b * size, (b + 1) * size), `part-${b}.csv`);
    await stack.deps.bus.flush();
  }
  await stack.deps.bus.idle();
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

async function latestDocument(): Promise<ExperimentResult> {
  const result = await stack.deps.db.query<{ document: ExperimentResult }>(
    `SELECT a.document FROM analyses a JOIN experiments e ON e.latest_analysis_id = a.analysis_id
     WHERE e.experiment_id = $1`,
    [experimentId],
  );
  const document = result.rows[0]?.document;
  if (document === undefined) throw new Error('no analysis');
  return typeof document === 'string' ? (JSON.parse(document) as ExperimentResult) : document;
}

describe('the monitor', () => {
  it('agrees with the batch analysis: counts exactly, P(beat control) to 1e-9', async () => {
    await tickMonitor(stack.deps, 'tick-agreement', new Date('2026-02-01T00:00:00Z'));
    const rows = await readSnapshots(stack.deps.db, experimentId, { latest: true });
    const document = await latestDocument();
    const conversion = document.metrics.find((metric) => metric.name === 'conversion');
    expect(conversion).toBeDefined();
    expect(rows.map((row) => row.variant)).toEqual(conversion?.variants.map((v) => v.variant));
    for (const variant of conversion?.variants ?? []) {
      const row = rows.find((r) => r.variant === variant.variant);
      expect(row?.exposures).toBe(variant.users);
      expect(row?.successes).toBe(variant.sum);
      expect(row?.alpha).toBe(1 + variant.sum);
      expect(row?.beta).toBe(1 + variant.users - variant.sum);
    }
    const comparison = conversion?.comparisons[0];
    const treatment = rows.find((r) => r.variant === comparison?.variant);
    const expected = comparison?.bayesian?.prob_beat_control ?? Number.NaN;
    expect(Math.abs((treatment?.probability_beat_control ?? 0) - expected)).toBeLessThan(1e-9);
    expect(
      Math.abs((treatment?.expected_loss ?? 0) - (comparison?.bayesian?.expected_loss ?? 0)),
    ).toBeLessThan(1e-9);
    // The first tick: everything is incremental.
    expect(rows.map((r) => r.incremental_exposures)).toEqual(rows.map((r) => r.exposures));
    expect(document.data.users).toBe(rows.reduce((sum, r) => sum + r.exposures, 0));
  });

  it('a redelivered batch or tick changes nothing; the next tick counts nothing new', async () => {
    const before = await stack.deps.db.query('SELECT * FROM live_posteriors ORDER BY variant');
    const windowsBefore = await stack.deps.db.query(
      'SELECT count(*)::int AS n, sum(count)::int AS events FROM event_windows',
    );
    const batches = await stack.deps.db.query<{ batch_id: string }>(
      'SELECT batch_id FROM batch_experiments WHERE experiment_id = $1',
      [experimentId],
    );
    for (const { batch_id } of batches.rows)
      await monitorBatch(stack.deps, batch_id, [experimentId]);
    const again = await tickMonitor(stack.deps, 'tick-agreement', new Date('2026-03-01T00:00:00Z'));
    expect(again).toEqual([]);
    expect(
      (await stack.deps.db.query('SELECT * FROM live_posteriors ORDER BY variant')).rows,
    ).toEqual(before.rows);
    expect(
      (
        await stack.deps.db.query(
          'SELECT count(*)::int AS n, sum(count)::int AS events FROM event_windows',
        )
      ).rows,
    ).toEqual(windowsBefore.rows);
    await tickMonitor(stack.deps, 'tick-second', new Date('2026-02-01T00:01:00Z'));
    const second = await readSnapshots(stack.deps.db, experimentId, { latest: true });
    expect(second[0]?.tick_at).toBe('2026-02-01T00:01:00.000Z');
    expect(second.map((r) => r.incremental_exposures)).toEqual(second.map(() => 0));
    const all = await readSnapshots(stack.deps.db, experimentId, {
      latest: false,
      fromMs: Date.parse('2026-02-01T00:00:00Z'),
      toMs: Date.parse('2026-02-01T00:00:30Z'),
    });
    expect(new Set(all.map((r) => r.tick_at))).toEqual(new Set(['2026-02-01T00:00:00.000Z']));
  });

  it('keeps window rollups equal to a count over the curated events', async () => {
    const files = await stack.deps.db.query<{ curated_key: string }>(
      'SELECT curated_key FROM batch_experiments WHERE experiment_id = $1',
      [experimentId],
    );
    const frames = await Promise.all(
      files.rows.map(async (row) =>
        pl.readParquet(
          await stack.deps.blobs.localFile(stack.deps.config.buckets.curated, row.curated_key),
        ),
      ),
    );
    const events = pl.concat(frames, { how: 'diagonalRelaxed' });
    const purchases = events.filter(pl.col('event_type').eq(pl.lit('purchase')));
    const windows = await readWindows(stack.deps.db, experimentId, {
      window: '1d',
      eventType: 'purchase',
    });
    expect(windows.reduce((sum, w) => sum + w.count, 0)).toBe(purchases.height);
    const values = purchases.getColumn('value').toArray() as (number | null)[];
    const total = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    const stored = windows.reduce((sum, w) => sum + (w.sum ?? 0), 0);
    expect(Math.abs(stored - total)).toBeLessThan(1e-6 * total);
    const maximum = Math.max(...values.filter((v): v is number => v !== null));
    expect(Math.max(...windows.map((w) => w.max ?? 0))).toBe(maximum);
    for (const window of windows) {
      expect(Date.parse(window.start) % 86_400_000).toBe(0);
      expect(window.avg).toBeCloseTo((window.sum ?? 0) / window.count, 9);
    }
    const hourly = await readWindows(stack.deps.db, experimentId, { window: '1h' });
    expect(hourly.reduce((sum, w) => sum + w.count, 0)).toBe(events.height);
  });

  it('writes the csv sink with its header once, and the log sink', async () => {
    await stack.deps.db.query(`UPDATE experiments SET definition = $2 WHERE experiment_id = $1`, [
      experimentId,
      JSON.stringify({
        id: experimentId,
        exposure_event: 'exposure',
        alpha: 0.05,
        sinks: ['csv', 'log'],
      }),
    ]);
    await tickMonitor(stack.deps, 'tick-csv-1', new Date('2026-02-01T00:02:00Z'));
    await tickMonitor(stack.deps, 'tick-csv-2', new Date('2026-02-01T00:03:00Z'));
    const text = (
      await stack.deps.blobs.read(stack.deps.config.buckets.artifacts, snapshotCsvKey(experimentId))
    ).toString('utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'experiment_id,variant,tick_at,exposures,successes,alpha,beta,probability_beat_control,expected_loss,incremental_exposures,incremental_successes',
    );
    expect(lines.filter((line) => line.startsWith('experiment_id'))).toHaveLength(1);
    expect(lines).toHaveLength(1 + 2 * 2);
    // Without `postgres` among the sinks, no rows for these ticks.
    const stored = await readSnapshots(stack.deps.db, experimentId, { latest: true });
    expect(stored[0]?.tick_at).toBe('2026-02-01T00:01:00.000Z');
  });
});
