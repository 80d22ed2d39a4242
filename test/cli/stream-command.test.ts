/**
 * `abtest stream` as a user runs it: seed 000's experiments file (`experiments: [...]`), NDJSON
 * events from a file, snapshots to the csv, log and postgres (PGlite in the data folder) sinks
 * with the reducer's counts; a bad line is reported with its number and skipped. The Pub/Sub
 * source and sink are in stream-pubsub.test.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../shared/adapters/open-adapters.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { bayesianBinomialComparison } from '../../shared/stats/bayesian-beta-comparison.ts';
import { readSnapshots } from '../../shared/store/live-records.ts';
import { runAbtest } from '../support/abtest-cli.ts';
import { eventLine as event } from '../support/ndjson-event.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-stream-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('abtest stream', () => {
  it('folds NDJSON events into posterior snapshots written to the csv, log and postgres sinks', async () => {
    await writeFile(
      path.join(dir, 'experiments.yaml'),
      [
        'experiments:',
        '  - id: banner',
        '    exposure_event: Displayed',
        '    success_event: Clicked',
        '    algorithm: {type: bayesian}',
        '    sinks: [csv, log, postgres]',
        '    variants: [{key: A, control: true}, {key: B}]',
        '  - id: other',
        '    sinks: [csv]',
        '',
      ].join('\n'),
    );
    const lines = [
      ...Array.from({ length: 10 }, (_, i) =>
        event('banner', `a${i}`, 'A', 'Displayed', '2026-01-01T00:00:00Z'),
      ),
      ...Array.from({ length: 2 }, (_, i) =>
        event('banner', `a${i}`, 'A', 'Clicked', '2026-01-01T00:01:00Z'),
      ),
      ...Array.from({ length: 8 }, (_, i) =>
        event('banner', `b${i}`, 'B', 'Displayed', '2026-01-01T00:00:00Z'),
      ),
      ...Array.from({ length: 5 }, (_, i) =>
        event('banner', `b${i}`, 'B', 'Clicked', '1767225660000'),
      ),
      event('banner', 'b0', 'B', 'Clicked', '2026-01-01T00:02:00Z'), // a repeat: counted once
      event('banner', 'late', 'B', 'Clicked', '2026-01-01T00:02:00Z'), // never displayed
      '{"experiment_id": "banner", "user_id": "x"',
      event('other', 'o1', 'control', 'exposure', '2026-01-01T00:00:00Z'),
    ];
    await writeFile(path.join(dir, 'events.ndjson'), `${lines.join('\n')}\n`);
    const run = await runAbtest(
      [
        'stream',
        '--config',
        'experiments.yaml',
        '--from',
        'events.ndjson',
        '--progress-interval',
        '60',
        '--out-dir',
        'out',
        '--data-dir',
        'data',
      ],
      { cwd: dir, env: { DATABASE_URL: '' } },
    );
    expect(run.stderr).toContain('events.ndjson: line 28: not valid JSON');
    expect(run.code).toBe(0);
    const logged = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const expected = bayesianBinomialComparison({ n: 10, successes: 2 }, { n: 8, successes: 5 });
    expect(logged).toEqual([
      expect.objectContaining({
        experiment_id: 'banner',
        variant: 'A',
        exposures: 10,
        successes: 2,
        alpha: 3,
        beta: 9,
        probability_beat_control: null,
      }),
      expect.objectContaining({
        experiment_id: 'banner',
        variant: 'B',
        exposures: 8,
        successes: 5,
        alpha: 6,
        beta: 4,
        probability_beat_control: expected.probBeatControl,
        expected_loss: expected.expectedLoss,
        incremental_exposures: 8,
      }),
    ]);
    const csv = await readFile(path.join(dir, 'out', 'banner.snapshots.csv'), 'utf8');
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe(
      'experiment_id,variant,tick_at,exposures,successes,alpha,beta,probability_beat_control,expected_loss,incremental_exposures,incremental_successes',
    );
    expect(
      rows.slice(1).map((row) => row.split(',').slice(0, 2).concat(row.split(',').slice(3, 5))),
    ).toEqual([
      ['banner', 'A', '10', '2'],
      ['banner', 'B', '8', '5'],
    ]);
    const other = await readFile(path.join(dir, 'out', 'other.snapshots.csv'), 'utf8');
    expect(other.trim().split('\r\n')[1]?.split(',').slice(3, 5)).toEqual(['1', '0']);
    // The postgres sink: the same rows in the data folder's PGlite, the experiment registered.
    const db = await openDatabase(loadConfig({ ABTEST_DATA_DIR: path.join(dir, 'data') }));
    try {
      expect(await readSnapshots(db, 'banner', { latest: true })).toEqual(
        logged.map(({ experiment_id: _, ...row }) => row),
      );
      expect(await readSnapshots(db, 'other', { latest: false })).toEqual([]);
      const registered = await db.query<{ experiment_id: string; status: string }>(
        'SELECT experiment_id, status FROM experiments ORDER BY experiment_id',
      );
      expect(registered.rows).toEqual([{ experiment_id: 'banner', status: 'running' }]);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('refuses a config with a bad definition, naming it', async () => {
    await writeFile(
      path.join(dir, 'bad.yaml'),
      'experiments:\n  - id: ok\n  - id: b\n    sinks: [kafka]\n',
    );
    const run = await runAbtest(['stream', '--config', 'bad.yaml', '--from', 'events.ndjson'], {
      cwd: dir,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad\.yaml: experiments\.1: sinks\.0/);
  }, 60_000);
});
