/**
 * The DuckDB form of the generated queries against the in-process path, on a generated
 * experiment with every trap (test/support/trap-experiment.ts), with and without its definition
 * (window, ratio, CUPED, derived covariates), to 1e-9 relative:
 * - the per-user facts give, user by user and column by column, buildUserFrame's frame;
 * - the moments give every cell, daily increment and value count of the moments table, as the
 *   contract (shared/moments/moments-table.ts) defines them from that frame (added up here, in
 *   plain JS, from buildUserFrame's users and daily gains).
 */
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbWarehouse } from '../../../shared/adapters/warehouse/duckdb-warehouse.ts';
import type { WarehouseRow } from '../../../shared/adapters/warehouse/warehouse.ts';
import { buildUserFrame, type UserFrame } from '../../../shared/analysis/build-user-table.ts';
import {
  compareText,
  metricSpecs,
  type ExperimentDefinition,
  type MetricSpec,
} from '../../../shared/analysis/experiment-definition.ts';
import type {
  DailyIncrement,
  MomentsCell,
  MomentsMetric,
  MomentsSchema,
  MomentsTable,
  ValueCount,
} from '../../../shared/moments/moments-table.ts';
import { momentsFromRows } from '../../../shared/warehouse/moments-rows.ts';
import { momentsQuery } from '../../../shared/warehouse/moments-sql.ts';
import { curatedColumns } from '../../../shared/events/validate-event-rows.ts';
import {
  userFactsColumnNames,
  userFactsQueries,
} from '../../../shared/warehouse/user-facts-sql.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';
import {
  runTrapExperiment,
  trapDefinition,
  trapExperimentId,
} from '../../support/trap-experiment.ts';

let stack: LocalStack;
let files: readonly string[];
let attributes: readonly string[];
const warehouse = duckdbWarehouse();

beforeAll(async () => {
  stack = await openLocalStack({}, { chain: true });
  ({ files } = await runTrapExperiment(stack, 4000));
  const core = new Set<string>(curatedColumns);
  attributes = pl
    .scanParquet(files[0] ?? '')
    .columns.filter((name) => !core.has(name))
    .sort();
}, 300_000);

afterAll(async () => {
  await warehouse.close();
  await stack.close();
});

/** Both sides' numbers agree to 1e-9 relative (absolute below 1e-300), text exactly. */
function expectSameRows(actual: readonly WarehouseRow[], expected: readonly WarehouseRow[]): void {
  expect(actual.length).toBe(expected.length);
  expect(Object.keys(actual[0] ?? {}).sort()).toEqual(Object.keys(expected[0] ?? {}).sort());
  for (const [i, row] of expected.entries()) {
    for (const [column, want] of Object.entries(row)) {
      const got = actual[i]?.[column];
      if (typeof want === 'number' && typeof got === 'number') {
        const scale = Math.max(Math.abs(want), 1e-300);
        if (Math.abs(got - want) / scale > 1e-9) {
          expect.fail(`row ${i} (${String(row.user_id)}) ${column}: ${got} != ${want}`);
        }
      } else if (got !== want) {
        expect.fail(`row ${i} (${String(row.user_id)}) ${column}: ${got} != ${want}`);
      }
    }
  }
}

describe.each([
  ['the trap definition', trapDefinition],
  ['no definition', undefined],
])('per-user facts with %s', (_label, definition: ExperimentDefinition | undefined) => {
  it('gives buildUserFrame, user by user, and the same counts', async () => {
    const metrics = metricSpecs(definition);
    const expected = await buildUserFrame(files, metrics, definition);
    const input = { experimentId: trapExperimentId, attributes, metrics, definition };
    const queries = userFactsQueries({ dialect: 'duckdb', files }, input);
    const frameNameOf = new Map(
      [...userFactsColumnNames(input)].map(([frame, sql]) => [sql, frame]),
    );
    const users = (await warehouse.query(queries.users)).map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([name, v]) => [frameNameOf.get(name) ?? name, v]),
      ),
    );
    const [counts] = await warehouse.query(queries.counts);

    expect(expected.frame.height).toBeGreaterThan(1000);
    expectSameRows(users, expected.frame.toRecords() as WarehouseRow[]);
    expect(counts).toEqual({
      events: expected.events,
      excluded_multiple_variants: expected.excludedMultipleVariants,
    });
    expect(expected.excludedMultipleVariants).toBeGreaterThan(0);
  });
});

const dayMicros = 86_400_000_000;

/** The moments table by its contract, added up in plain JS from buildUserFrame's output. */
function momentsOfUserFrame(
  users: UserFrame,
  schema: MomentsSchema,
  valueSpecs: readonly MetricSpec[],
): MomentsTable {
  const records = users.frame.toRecords() as Record<string, string | number>[];
  const pairOf = (metric: MomentsMetric): [string, string | null] =>
    metric.kind === 'ratio'
      ? [`n.${metric.name}`, `d.${metric.name}`]
      : [`m.${metric.name}`, metric.paired ? `x.${metric.name}` : null];
  const cells = new Map<string, MomentsCell>();
  for (const user of records) {
    const variant = String(user.variant);
    const pattern = schema.attributes.map((name) => String(user[`a.${name}`]));
    const exposureDay = Math.floor(Number(user.exposed_at_us) / dayMicros);
    const key = JSON.stringify([variant, pattern, exposureDay]);
    const cell = cells.get(key) ?? {
      variant,
      pattern,
      exposureDay,
      n: 0,
      metrics: schema.metrics.map((metric) => {
        const paired = pairOf(metric)[1] !== null;
        return {
          sumY: 0,
          sumYY: 0,
          sumX: paired ? 0 : null,
          sumXX: paired ? 0 : null,
          sumXY: paired ? 0 : null,
        };
      }),
    };
    cells.set(key, {
      ...cell,
      n: cell.n + 1,
      metrics: cell.metrics.map((sums, i) => {
        const [yName, xName] = pairOf(schema.metrics[i] as MomentsMetric);
        const y = Number(user[yName]);
        const x = xName === null ? null : Number(user[xName]);
        return {
          sumY: sums.sumY + y,
          sumYY: sums.sumYY + y * y,
          sumX: x === null ? null : (sums.sumX ?? 0) + x,
          sumXX: x === null ? null : (sums.sumXX ?? 0) + x * x,
          sumXY: x === null ? null : (sums.sumXY ?? 0) + x * y,
        };
      }),
    });
  }
  const increments = new Map<string, DailyIncrement>();
  valueSpecs.forEach((spec, m) => {
    const daily = users.daily?.[m];
    if (daily === undefined) throw new Error('no daily gains');
    let before = 0;
    daily.rows.forEach((row, i) => {
      if (i === 0 || daily.rows[i - 1] !== row) before = 0;
      const amount = daily.amounts[i] ?? 0;
      if (amount === 0) return;
      const variant = String(records[row]?.variant);
      const day = daily.days[i] ?? 0;
      const key = JSON.stringify([spec.name, variant, day]);
      const sums = increments.get(key) ?? { variant, day, metric: spec.name, sumY: 0, sumYY: 0 };
      increments.set(key, {
        ...sums,
        sumY: sums.sumY + amount,
        sumYY: sums.sumYY + amount * (2 * before + amount),
      });
      before += amount;
    });
  });
  const valueCounts = new Map<string, ValueCount>();
  for (const metric of schema.metrics) {
    if (metric.kind !== 'value' || metric.type !== 'continuous') continue;
    for (const user of records) {
      const variant = String(user.variant);
      const value = Number(user[`m.${metric.name}`]);
      const key = JSON.stringify([metric.name, variant, value]);
      const count = valueCounts.get(key)?.count ?? 0;
      valueCounts.set(key, { metric: metric.name, variant, value, count: count + 1 });
    }
  }
  const metricIndex = (name: string) => schema.metrics.findIndex((metric) => metric.name === name);
  const byText = (a: readonly string[], b: readonly string[]) => {
    for (let i = 0; i < a.length; i += 1) {
      const order = compareText(a[i] ?? '', b[i] ?? '');
      if (order !== 0) return order;
    }
    return 0;
  };
  return {
    schema,
    cells: [...cells.values()].sort(
      (a, b) =>
        byText([a.variant, ...a.pattern], [b.variant, ...b.pattern]) ||
        (a.exposureDay ?? 0) - (b.exposureDay ?? 0),
    ),
    increments: [...increments.values()].sort(
      (a, b) =>
        metricIndex(a.metric) - metricIndex(b.metric) ||
        compareText(a.variant, b.variant) ||
        a.day - b.day,
    ),
    valueCounts: [...valueCounts.values()].sort(
      (a, b) =>
        metricIndex(a.metric) - metricIndex(b.metric) ||
        compareText(a.variant, b.variant) ||
        a.value - b.value,
    ),
    events: users.events,
    excludedMultipleVariants: users.excludedMultipleVariants,
  };
}

/** Equal but for numbers, which agree to 1e-9 relative (absolute below 1e-300). */
function expectClose(actual: unknown, expected: unknown, where = ''): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300) > 1e-9) {
      expect.fail(`${where}: ${actual} != ${expected}`);
    }
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(typeof actual, where).toBe('object');
    expect(Object.keys(actual as object).sort(), where).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
    }
    return;
  }
  expect(actual, where).toEqual(expected);
}

const trapSchema: MomentsSchema = {
  attributes: ['channel', 'device'],
  metrics: [
    { name: 'conversion', kind: 'value', type: 'binomial', paired: true },
    { name: 'revenue', kind: 'value', type: 'continuous', paired: true },
    { name: 'views', kind: 'value', type: 'continuous', paired: false },
    { name: 'revenue_per_order', kind: 'ratio', type: 'continuous', paired: true },
    { name: 'carted', kind: 'value', type: 'binomial', paired: false },
  ],
};
const defaultSchema: MomentsSchema = {
  attributes: ['device'],
  metrics: [
    { name: 'conversion', kind: 'value', type: 'binomial', paired: false },
    { name: 'revenue', kind: 'value', type: 'continuous', paired: false },
  ],
};

describe.each([
  ['the trap definition', trapDefinition, trapSchema],
  ['no definition', undefined, defaultSchema],
])(
  'moments with %s',
  (_label, definition: ExperimentDefinition | undefined, schema: MomentsSchema) => {
    it('gives every moment of the in-process per-user frame', async () => {
      const valueSpecs = metricSpecs(definition);
      const users = await buildUserFrame(files, valueSpecs, definition);
      const expected = momentsOfUserFrame(users, schema, valueSpecs);
      const query = momentsQuery(
        { dialect: 'duckdb', files },
        { experimentId: trapExperimentId, schema, definition },
      );
      const actual = momentsFromRows(schema, await warehouse.query(query));

      expect(expected.cells.length).toBeGreaterThan(20);
      expect(expected.increments.length).toBeGreaterThan(20);
      expect(expected.valueCounts.length).toBeGreaterThan(20);
      expectClose(actual, expected, 'moments');
    });
  },
);
