/**
 * Results as SQL (sql/008_result_views.sql): after the whole chain has run over a generated
 * upload, the `results`, `result_variants` and `result_models` views hold, row for row, what the
 * stored analysis and models say, with numbers as double precision. On PGlite always and on a
 * real PostgreSQL server when `TEST_DATABASE_URL` is set (a scratch database, dropped after).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyTruth, generateEvents } from '../../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../../shared/generate/write-generated-file.ts';
import type { ExperimentResult, ModelResult } from '../../../shared/result/result-document.ts';
import { ingestCsvFile } from '../../support/ingest-csv-file.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';
import { scratchPostgres, type ScratchDatabase } from '../../support/scratch-postgres.ts';

const adminUrl = process.env.TEST_DATABASE_URL;
const servers: readonly (readonly [string, boolean])[] = [
  ['PGlite', true],
  ['PostgreSQL', adminUrl !== undefined],
];

describe.each(servers.filter(([, present]) => present))('result views on %s', (server) => {
  let stack: LocalStack;
  let scratch: ScratchDatabase | undefined;
  const postgres = adminUrl === undefined ? undefined : scratchPostgres(adminUrl);

  beforeAll(async () => {
    const env: Record<string, string> = {};
    if (server === 'PostgreSQL' && postgres !== undefined) {
      scratch = await postgres.create();
      env.DATABASE_URL = scratch.url;
    }
    stack = await openLocalStack(env, { chain: true });
    const file = path.join(stack.dataDir, 'events.csv');
    const options = { users: 900, seed: 5, variants: ['control', 'a', 'b'], mess: false };
    await writeGeneratedFile(file, 'csv', generateEvents(options, emptyTruth(options)));
    await ingestCsvFile(stack.deps, file);
    await stack.deps.bus.idle();
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
    await postgres?.close();
  });

  const stored = async () => {
    const analysis = await stack.deps.db.query<{ document: ExperimentResult; computed_at: Date }>(
      'SELECT document, computed_at FROM analyses',
    );
    expect(analysis.rows).toHaveLength(1);
    return analysis.rows[0] as { document: ExperimentResult; computed_at: Date };
  };

  it('results: one row per metric and variant compared, as the analysis says', async () => {
    const { document, computed_at } = await stored();
    const rows = await stack.deps.db.query('SELECT * FROM results ORDER BY metric, variant');
    const expected = document.metrics
      .flatMap((metric) =>
        metric.comparisons.map((c) => ({
          experiment_id: 'checkout-redesign',
          analysis_id: document.analysis_id,
          metric: metric.name,
          variant: c.variant,
          control: 'control',
          p_value: c.p_value,
          p_value_adjusted: c.p_value_adjusted,
          effect_size: c.difference,
          lift_pct: c.relative_lift === null ? null : c.relative_lift * 100,
          ci_low: c.difference_ci[0],
          ci_high: c.difference_ci[1],
          method: c.test,
          computed_at,
        })),
      )
      .sort((x, y) => (x.metric + x.variant < y.metric + y.variant ? -1 : 1));
    expect(expected).toHaveLength(4);
    expect(rows.rows).toEqual(expected);
    expect(typeof (rows.rows[0] as { p_value: unknown }).p_value).toBe('number');
  });

  it('result_variants: users, mean and interval of every variant of every metric', async () => {
    const { document } = await stored();
    const rows = await stack.deps.db.query<{ metric: string; variant: string }>(
      `SELECT metric, variant, is_control, users, mean, sd, ci_low, ci_high FROM result_variants
       ORDER BY metric, variant`,
    );
    const expected = document.metrics
      .flatMap((metric) =>
        metric.variants.map((v) => ({
          metric: metric.name,
          variant: v.variant,
          is_control: v.is_control,
          users: v.users,
          mean: v.mean,
          sd: v.sd,
          ci_low: v.ci_low,
          ci_high: v.ci_high,
        })),
      )
      .sort((x, y) => (x.metric + x.variant < y.metric + y.variant ? -1 : 1));
    expect(expected).toHaveLength(6);
    expect(rows.rows).toEqual(expected);
  });

  it('result_models: target, features, metrics and the artifact of every model', async () => {
    const models = await stack.deps.db.query<{
      model_id: string;
      document: ModelResult;
      features: string[];
    }>('SELECT model_id, document, features FROM models ORDER BY model_id');
    expect(models.rows.length).toBeGreaterThan(0);
    const rows = await stack.deps.db.query(
      'SELECT model_id, target, model, features, metrics, artifact_uri FROM result_models ORDER BY model_id',
    );
    expect(rows.rows).toEqual(
      models.rows.map(({ model_id, document, features }) => ({
        model_id,
        target: document.metric,
        model: document.model,
        // The fitted features in design order: the same names as the importances'.
        features,
        metrics: JSON.parse(
          JSON.stringify({ cv: document.cv, holdout: document.holdout }),
        ) as unknown,
        artifact_uri: stack.deps.blobs.uri(
          'artifacts',
          `models/checkout-redesign/${model_id}.json`,
        ),
      })),
    );
    for (const { document, features } of models.rows)
      expect([...features].sort()).toEqual(
        document.feature_importance.map((f) => f.feature).sort(),
      );
  });
});
