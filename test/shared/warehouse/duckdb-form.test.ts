/**
 * The DuckDB form of the generated queries against the in-process path, on a generated
 * experiment with every trap (test/support/trap-experiment.ts), with and without its definition
 * (window, ratio, CUPED, derived covariates), to 1e-9 relative:
 * - the per-user facts give, user by user and column by column, buildUserFrame's frame;
 * - the moments give every cell, daily increment, value count and count of the in-process
 *   moments table (momentsOfUsers over that frame; shared/moments/moments-table.ts).
 */
import { fileURLToPath } from 'node:url';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbWarehouse } from '../../../shared/adapters/warehouse/duckdb-warehouse.ts';
import type { WarehouseRow } from '../../../shared/adapters/warehouse/warehouse.ts';
import { buildUserFrame } from '../../../shared/analysis/build-user-table.ts';
import { momentsOfUsers } from '../../../shared/analysis/moments-query.ts';
import {
  metricSpecs,
  type ExperimentDefinition,
} from '../../../shared/analysis/experiment-definition.ts';
import { momentsFromRows } from '../../../shared/warehouse/moments-rows.ts';
import { momentsQuery } from '../../../shared/warehouse/moments-sql.ts';
import { curatedColumns } from '../../../shared/events/validate-event-rows.ts';
import {
  userFactsColumnNames,
  userFactsQueries,
} from '../../../shared/warehouse/user-facts-sql.ts';
import { runFiles } from '../../../shared/local/run-files.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';
import {
  curatedFilesOf,
  runTrapExperiment,
  trapDefinition,
  trapExperimentId,
} from '../../support/trap-experiment.ts';

let stack: LocalStack;
/** The curated files of each experiment: the trap experiment, the sample dataset's. */
const curated = new Map<string, readonly string[]>();
const warehouse = duckdbWarehouse();
const sampleExperimentId = 'checkout-redesign';

beforeAll(async () => {
  stack = await openLocalStack({}, { chain: true });
  curated.set(trapExperimentId, (await runTrapExperiment(stack, 4000)).files);
  const sample = fileURLToPath(new URL('../../../datasets/events-sample.csv', import.meta.url));
  await runFiles(stack.deps, [{ path: sample }]);
  curated.set(sampleExperimentId, await curatedFilesOf(stack, sampleExperimentId));
}, 300_000);

/** The attribute columns of curated files (every column beyond the contract's), sorted. */
function attributesOf(files: readonly string[]): string[] {
  const core = new Set<string>(curatedColumns);
  return pl
    .scanParquet(files[0] ?? '')
    .columns.filter((name) => !core.has(name))
    .sort();
}

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

const cases: [string, string, ExperimentDefinition | undefined][] = [
  ['the trap experiment with its definition', trapExperimentId, trapDefinition],
  ['the trap experiment without a definition', trapExperimentId, undefined],
  ['the sample dataset', sampleExperimentId, undefined],
];

describe.each(cases)('per-user facts of %s', (_label, experimentId, definition) => {
  it('gives buildUserFrame, user by user, and the same counts', async () => {
    const files = curated.get(experimentId) ?? [];
    const metrics = metricSpecs(definition);
    const expected = await buildUserFrame(files, metrics, definition);
    const input = { experimentId, attributes: attributesOf(files), metrics, definition };
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

describe.each(cases)('moments of %s', (_label, experimentId, definition) => {
  it('gives every moment of the in-process moments table', async () => {
    const files = curated.get(experimentId) ?? [];
    const metrics = metricSpecs(definition);
    const expected = await momentsOfUsers(
      await buildUserFrame(files, metrics, definition),
      metrics,
    );
    const query = momentsQuery(
      { dialect: 'duckdb', files },
      { experimentId, schema: expected.schema, definition },
    );
    const actual = momentsFromRows(expected.schema, await warehouse.query(query));

    expect(expected.schema.attributes).toEqual(attributesOf(files));
    expect(expected.cells.length).toBeGreaterThan(100);
    expect(expected.increments.length).toBeGreaterThan(20);
    expect(expected.valueCounts.length).toBeGreaterThan(20);
    expectClose(actual, expected, 'moments');
  });
});
