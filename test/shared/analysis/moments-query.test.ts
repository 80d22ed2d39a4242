/**
 * The moments table reduced by polars from a generated experiment's curated events must hold
 * the same arms as the per-user table: the users, the sums of every metric (exactly for counts
 * and conversions, to rounding for revenue), the CUPED and ratio cross sums, the value counts of
 * a continuous metric, and as of every day the sums the results by day are built from.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildUserFrame,
  toUserTable,
  type UserFrame,
} from '../../../shared/analysis/build-user-table.ts';
import { checkDefinition, metricSpecs } from '../../../shared/analysis/experiment-definition.ts';
import { analysisOptions } from '../../../shared/analysis/metric-columns.ts';
import { momentsOfUsers } from '../../../shared/analysis/moments-query.ts';
import { emptyTruth, generateEvents } from '../../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../../shared/generate/write-generated-file.ts';
import { armSums } from '../../../shared/moments/arm-sums.ts';
import type { MomentsTable } from '../../../shared/moments/moments-table.ts';

const definition = checkDefinition(
  {
    id: 'moments',
    metrics: [
      { name: 'conversion', type: 'binomial', event_type: 'purchase' },
      { name: 'revenue', type: 'continuous', event_type: 'purchase', cuped: true },
      {
        name: 'orders',
        type: 'continuous',
        event_type: 'purchase',
        aggregate: 'count',
      },
      {
        name: 'revenue_per_order',
        type: 'ratio',
        numerator: { event_type: 'purchase', aggregate: 'sum' },
        denominator: { event_type: 'purchase', aggregate: 'count' },
      },
    ],
  },
  'test',
);
const metrics = metricSpecs(definition);
const dayMs = 86_400_000;

let dir: string;
let users: UserFrame;
let moments: MomentsTable;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-moments-'));
  const csv = path.join(dir, 'events.csv');
  const options = { users: 3000, seed: 2024, conversionLift: 0.2, mess: false, history: true };
  await writeGeneratedFile(csv, 'csv', [...generateEvents(options, emptyTruth(options))]);
  const curated = path.join(dir, 'curated.parquet');
  pl.readCSV(csv, { inferSchemaLength: 0 })
    .select(
      'event_id',
      'experiment_id',
      'user_id',
      'variant',
      'event_type',
      pl.col('timestamp').str.strptime(pl.Datetime('ms'), '%+').cast(pl.Datetime('us', 'UTC')),
      pl.col('value').cast(pl.Float64),
      'device',
      'channel',
    )
    .writeParquet(curated);
  users = await buildUserFrame([curated], metrics, definition);
  moments = await momentsOfUsers(
    users,
    metrics,
    analysisOptions(
      users.frame,
      definition,
      metrics.map((m) => m.name),
    ).order,
  );
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The per-user path's columns, by variant. */
function perUser() {
  const { table, exposedAt } = toUserTable(users.frame, metrics);
  const options = analysisOptions(
    users.frame,
    definition,
    metrics.map((m) => m.name),
  );
  const ratio = options.ratios?.[0];
  return {
    table,
    exposedAt,
    columns: {
      conversion: { y: table.metrics[0]!.values, x: null },
      revenue: { y: table.metrics[1]!.values, x: options.covariates?.get('revenue') ?? null },
      orders: { y: table.metrics[2]!.values, x: null },
      revenue_per_order: { y: ratio!.numerator, x: ratio!.denominator },
    } as Record<string, { y: Float64Array; x: Float64Array | null }>,
  };
}

describe('the moments table of a per-user frame', () => {
  it('has the schema of the definition: attributes, and metrics in document order', () => {
    expect(moments.schema.attributes).toEqual(['channel', 'device']);
    expect(moments.schema.metrics).toEqual([
      { name: 'conversion', kind: 'value', type: 'binomial', paired: false },
      { name: 'revenue', kind: 'value', type: 'continuous', paired: true },
      { name: 'orders', kind: 'value', type: 'continuous', paired: false },
      { name: 'revenue_per_order', kind: 'ratio', type: 'continuous', paired: true },
    ]);
    expect(moments.events).toBe(users.events);
    expect(moments.cells.length).toBeLessThan(users.frame.height / 5);
  });

  it('adds up to each arm of the per-user table, exactly where the values are integers', () => {
    const { table, columns } = perUser();
    const arms = armSums(moments);
    expect([...arms.keys()]).toEqual(table.variant.levels);
    table.variant.levels.forEach((variant, code) => {
      const rows = [...table.variant.codes.keys()].filter((i) => table.variant.codes[i] === code);
      expect(arms.get(variant)?.n).toBe(rows.length);
      moments.schema.metrics.forEach((metric, m) => {
        const { y, x } = columns[metric.name]!;
        const sum = (f: (i: number) => number) => rows.reduce((s, i) => s + f(i), 0);
        const got = arms.get(variant)!.metrics[m]!;
        const exact = metric.name === 'conversion' || metric.name === 'orders';
        const expectSum = (value: number | null, expected: number) =>
          exact ? expect(value).toBe(expected) : expect(value).toBeCloseTo(expected, 6);
        expectSum(
          got.sumY,
          sum((i) => y[i]!),
        );
        expectSum(
          got.sumYY,
          sum((i) => y[i]! ** 2),
        );
        if (x === null) {
          expect(got.sumX).toBeNull();
          return;
        }
        expect(got.sumX).toBeCloseTo(
          sum((i) => x[i]!),
          6,
        );
        expect(got.sumXX).toBeCloseTo(
          sum((i) => x[i]! ** 2),
          6,
        );
        expect(got.sumXY).toBeCloseTo(
          sum((i) => x[i]! * y[i]!),
          6,
        );
      });
    });
  });

  it('keys each cell by a pattern of attribute levels and the exposure day of its users', () => {
    const { table, exposedAt } = perUser();
    const device = table.attributes.find((a) => a.name === 'device')!.column;
    const channel = table.attributes.find((a) => a.name === 'channel')!.column;
    const cell = moments.cells[0]!;
    const count = [...table.variant.codes.keys()].filter(
      (i) =>
        table.variant.levels[table.variant.codes[i]!] === cell.variant &&
        channel.levels[channel.codes[i]!] === cell.pattern[0] &&
        device.levels[device.codes[i]!] === cell.pattern[1] &&
        Math.floor(exposedAt[i]! / dayMs) === cell.exposureDay,
    ).length;
    expect(cell.n).toBe(count);
    expect(moments.cells.reduce((n, c) => n + c.n, 0)).toBe(users.frame.height);
  });

  it('counts the users of every final value of a continuous metric', () => {
    const { table, columns } = perUser();
    const orders = moments.valueCounts.filter((v) => v.metric === 'orders');
    const control = table.variant.levels.indexOf('control');
    const twoOrders = [...table.variant.codes.keys()].filter(
      (i) => table.variant.codes[i] === control && columns.orders!.y[i] === 2,
    ).length;
    expect(orders.find((v) => v.variant === 'control' && v.value === 2)?.count).toBe(twoOrders);
    expect(orders.reduce((n, v) => n + v.count, 0)).toBe(users.frame.height);
    expect(moments.valueCounts.some((v) => v.metric === 'conversion')).toBe(false);
  });

  it('gives, day by day, the sums of the users values as of that day', () => {
    const { table } = perUser();
    const daily = users.daily![2]!; // orders
    const days = [...new Set(daily.days)].sort((a, b) => a - b);
    const lastDay = days[Math.floor(days.length / 2)]!;
    // As of lastDay: each user's orders up to it, summed (and squared) by variant.
    const asOf = new Float64Array(users.frame.height);
    daily.rows.forEach((row, j) => {
      if (daily.days[j]! <= lastDay) asOf[row]! += daily.amounts[j]!;
    });
    const code = table.variant.levels.indexOf('treatment');
    let sum = 0;
    let squares = 0;
    asOf.forEach((value, i) => {
      if (table.variant.codes[i] !== code) return;
      sum += value;
      squares += value * value;
    });
    const upTo = moments.increments.filter(
      (inc) => inc.metric === 'orders' && inc.variant === 'treatment' && inc.day <= lastDay,
    );
    expect(upTo.reduce((s, inc) => s + inc.sumY, 0)).toBe(sum);
    expect(upTo.reduce((s, inc) => s + inc.sumYY, 0)).toBe(squares);
  });
});
