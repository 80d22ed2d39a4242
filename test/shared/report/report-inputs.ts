/**
 * Report inputs for the tests: the real sample analysis (`fixtures/checkout-redesign.json`,
 * from `abtest run datasets/events-sample.csv`) and synthetic experiments computed with the
 * project's own statistics and models from a seeded per-user table, so every number is
 * consistent (any variants, metric types, empty arms, attributes with unicode levels).
 */
import { randomSource } from '../../../shared/random/random-source.ts';
import { readFileSync } from 'node:fs';
import { cumulativeLift } from '../../../shared/analysis/cumulative-lift.ts';
import { summarizeExperiment } from '../../../shared/analysis/summarize-experiment.ts';
import { trainModels } from '../../../shared/models/train-models.ts';
import { unitTableFromRecords } from '../../../shared/models/unit-table-from-records.ts';
import type { ReportInput } from '../../../shared/report/index.ts';
import { experimentResultSchema } from '../../../shared/result/result-document.ts';

/** The sample analysis of `datasets/events-sample.csv` (name and hypothesis added). */
export function sampleInput(): ReportInput {
  const raw = JSON.parse(
    readFileSync(new URL('./fixtures/checkout-redesign.json', import.meta.url), 'utf8'),
  ) as ReportInput;
  return {
    ...raw,
    experiment: experimentResultSchema.parse(raw.experiment),
    name: 'Checkout redesign',
    hypothesis: 'A one-page checkout raises conversion without lowering order value.',
  };
}

/** One arm of a synthetic experiment. */
export interface SyntheticArm {
  readonly name: string;
  readonly users: number;
  /** Conversion probability. */
  readonly rate: number;
  /** Mean order value of a converted user. */
  readonly orderValue?: number;
  /** Expected share (default: equal). */
  readonly share?: number;
}

/** What to synthesise. */
export interface SyntheticSpec {
  readonly arms: readonly SyntheticArm[];
  readonly control?: string;
  readonly metrics?: readonly ('conversion' | 'revenue')[];
  readonly attributes?: boolean;
  readonly models?: boolean;
  readonly days?: number;
  readonly seed?: number;
}

function random(seed: number): () => number {
  return randomSource(seed).next;
}

const devices = ['desktop', 'mobile', 'tablet'];
const cities = ['Zürich', '東京', 'São Paulo', 'Łódź', 'New York'];

/**
 * Builds a consistent report input from a seeded per-user table.
 * @param spec - arms, metrics and options
 * @returns the input, with cumulative lift and one batch
 */
export function syntheticInput(spec: SyntheticSpec): ReportInput {
  const next = random(spec.seed ?? 1);
  const metrics = spec.metrics ?? ['conversion', 'revenue'];
  const days = spec.days ?? 10;
  const start = Date.UTC(2026, 0, 5);
  const records: Record<string, unknown>[] = [];
  const exposed: number[] = [];
  for (const arm of spec.arms) {
    for (let i = 0; i < arm.users; i += 1) {
      const converted = next() < arm.rate ? 1 : 0;
      records.push({
        id: `${arm.name}-${String(i).padStart(6, '0')}`,
        variant: arm.name,
        device: devices[Math.floor(next() * devices.length)],
        city: cities[Math.floor(next() * cities.length)],
        conversion: converted,
        revenue: converted ? (arm.orderValue ?? 40) * (0.5 + next()) : 0,
      });
      exposed.push(start + Math.floor(next() * days * 86_400_000));
    }
  }
  const order = records
    .map((_, i) => i)
    .sort((a, b) => (String(records[a]?.id) < String(records[b]?.id) ? -1 : 1));
  const sorted = order.map((i) => records[i] ?? {});
  const table = unitTableFromRecords(sorted, {
    unitId: 'id',
    variant: 'variant',
    attributes: spec.attributes === false ? [] : ['device', 'city'],
    metrics: metrics.map((name) => ({
      name,
      type: name === 'conversion' ? 'binomial' : 'continuous',
    })),
  });
  const control = spec.control ?? spec.arms[0]?.name ?? 'control';
  const variants = spec.arms.map((a) => a.name).sort();
  const plan = {
    variants,
    control,
    expectedShare: new Map(
      spec.arms.map((a) => [a.name, a.share ?? 1 / spec.arms.length] as const),
    ),
  };
  const alpha = 0.05;
  const statistics = summarizeExperiment(table, plan, alpha);
  const models = spec.models === false ? [] : trainModels(table, { control, alpha });
  const users = table.unitIds.length;
  const experiment = experimentResultSchema.parse({
    experiment_id: 'synthetic-test',
    analysis_id: 'an_0123456789abcdef01234567',
    computed_at: '2026-02-01T08:00:00.000Z',
    alpha,
    data: { events: users * 3, users, excluded_users: { multiple_variants: 3 } },
    srm: statistics.srm,
    metrics: statistics.metrics,
    models,
    report: null,
  });
  return {
    experiment,
    name: 'Synthetic experiment',
    hypothesis: null,
    primaryMetric: metrics[0] ?? null,
    batches: [
      {
        batch_id: 'b_00000000000000000000aaaa',
        source: 'uploads/synthetic.csv',
        content_hash: 'a'.repeat(32) + '0123456789abcdef'.repeat(2),
        accepted: users * 3,
        rejected: 2,
        duplicates: 5,
        status: 'validated',
      },
    ],
    cumulativeLift: cumulativeLift(
      table,
      Float64Array.from(order, (i) => exposed[i] ?? Number.NaN),
      plan,
      alpha,
    ),
    version: '0.1.0',
  };
}
