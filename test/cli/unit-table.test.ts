/**
 * `abtest run FILE --unit-table ...` as a user runs it, on the committed sample
 * (datasets/units-sample.csv): the counts against the generator's tally, a model per metric,
 * and the flags that pick metrics, unit column and experiment.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sampleCovariance, sampleVariance } from 'simple-statistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultDocumentSchema, type ResultDocument } from '../../shared/result/result-document.ts';
import { runAbtest } from '../support/abtest-cli.ts';

const sample = path.resolve('datasets/units-sample.csv');
let dir: string;

const abtest = (args: readonly string[]) =>
  runAbtest([...args, '--data-dir', path.join(dir, 'data')]);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-units-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('abtest run --unit-table', () => {
  it('analyses the sample: the right counts per version and a model for every metric', async () => {
    const result = await abtest([
      'run',
      sample,
      '--unit-table',
      '--variant-column',
      'version',
      '--control',
      'gate_30',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const document: ResultDocument = resultDocumentSchema.parse(JSON.parse(result.stdout));
    const truth = JSON.parse(
      await readFile(path.resolve('datasets/units-sample.truth.json'), 'utf8'),
    ) as Record<
      string,
      { users: number; sum_gamerounds: number; retention_1: number; retention_7: number }
    >;
    const [experiment] = document.experiments;
    expect(experiment?.experiment_id).toBe('units-sample');
    expect(experiment?.metrics.map((m) => [m.name, m.type])).toEqual([
      ['sum_gamerounds', 'continuous'],
      ['retention_1', 'binomial'],
      ['retention_7', 'binomial'],
    ]);
    for (const metric of experiment?.metrics ?? []) {
      const key = metric.name as 'sum_gamerounds' | 'retention_1' | 'retention_7';
      expect(metric.variants.map((v) => [v.variant, v.is_control, v.users, v.sum])).toEqual([
        ['gate_30', true, truth.gate_30?.users, truth.gate_30?.[key]],
        ['gate_40', false, truth.gate_40?.users, truth.gate_40?.[key]],
      ]);
      expect(metric.comparisons[0]?.control).toBe('gate_30');
    }
    expect(experiment?.models.map((m) => [m.metric, m.model])).toEqual([
      ['sum_gamerounds', 'linear_regression'],
      ['retention_1', 'logistic_regression'],
      ['retention_7', 'logistic_regression'],
    ]);
    const coefficients = experiment?.models[0]?.coefficients.map((c) => c.term);
    expect(coefficients).toEqual(['intercept', 'variant[gate_40]', 'platform[ios]']);
    expect(experiment?.data).toEqual({
      events: 5000,
      users: 5000,
      excluded_users: { multiple_variants: 0 },
    });
  });

  it('takes --metric, --unit-column and --experiment', async () => {
    const result = await abtest([
      'run',
      sample,
      '--unit-table',
      '--variant-column',
      'VERSION',
      '--unit-column',
      'userid',
      '--metric',
      'retention_7:binomial',
      '--experiment',
      'cookie-gates',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const [experiment] = resultDocumentSchema.parse(JSON.parse(result.stdout)).experiments;
    expect(experiment?.experiment_id).toBe('cookie-gates');
    expect(experiment?.metrics.map((m) => m.name)).toEqual(['retention_7']);
    expect(experiment?.models[0]?.coefficients.map((c) => c.term)).toContain(
      'sum_gamerounds[other]',
    );
  });

  it('adjusts by the column a definition names in covariate (CUPED for unit tables)', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => {
      const pre = (i * 13) % 40;
      return { id: `p${i}`, version: i % 2 === 0 ? 'a' : 'b', pre, spend: pre + ((i * 7) % 5) };
    });
    const file = path.join(dir, 'spend-units.csv');
    await writeFile(
      file,
      `player,version,pre_spend,spend\n${rows.map((r) => `${r.id},${r.version},${r.pre},${r.spend}`).join('\n')}\n`,
    );
    const definition = path.join(dir, 'spend-units.yaml');
    await writeFile(
      definition,
      [
        'id: spend-units',
        'unit_table: { variant_column: version, control: a, unit_column: player, metrics: [{ name: spend, type: continuous }] }',
        'metrics: [{ name: spend, type: continuous, cuped: true, covariate: pre_spend }]',
      ].join('\n'),
    );
    const result = await abtest(['run', file, '--definition', definition, '--json']);
    expect(result.code).toBe(0);
    const [experiment] = resultDocumentSchema.parse(JSON.parse(result.stdout)).experiments;
    const cuped = experiment?.metrics.find((m) => m.name === 'spend')?.comparisons[0]?.cuped;
    const theta =
      sampleCovariance(
        rows.map((r) => r.pre),
        rows.map((r) => r.spend),
      ) / sampleVariance(rows.map((r) => r.pre));
    expect(cuped?.theta).toBeCloseTo(theta, 10);
    expect(cuped?.variance_reduction).toBeGreaterThan(0.5);
  });

  it('explains bad usage', async () => {
    const missing = await abtest(['run', sample, '--unit-table']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--unit-table needs --variant-column COLUMN/);
    const badMetric = await abtest([
      'run',
      sample,
      '--unit-table',
      '--variant-column',
      'version',
      '--metric',
      'retention_7',
    ]);
    expect(badMetric.code).toBe(2);
    expect(badMetric.stderr).toMatch(
      /--metric takes NAME:binomial or NAME:continuous, not "retention_7"/,
    );
  });
});
