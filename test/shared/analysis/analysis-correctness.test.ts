/**
 * The numbers of the result document against an independent computation: a generated events
 * file (with its real-world mess) analysed by the whole chain, and the same file analysed the
 * plain way by test/support/independent-analysis.ts, and against the generator's own tally.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emptyTruth,
  generateEvents,
  type GenerationTruth,
} from '../../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../../shared/generate/write-generated-file.ts';
import { runFiles } from '../../../shared/local/run-files.ts';
import type { ResultDocument } from '../../../shared/result/result-document.ts';
import {
  analyseIndependently,
  type IndependentResult,
} from '../../support/independent-analysis.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';

let stack: LocalStack;
let document: ResultDocument;
let independent: IndependentResult;
let truth: GenerationTruth;

beforeAll(async () => {
  stack = await openLocalStack({}, { chain: true });
  const file = path.join(stack.dataDir, 'events.csv');
  const options = { users: 4000, seed: 2026, variants: ['control', 'treatment', 'treatment-b'] };
  truth = emptyTruth(options);
  await writeGeneratedFile(file, 'csv', generateEvents(options, truth));
  independent = analyseIndependently(await readFile(file, 'utf8'));
  ({ document } = await runFiles(stack.deps, [{ path: file }]));
});

afterAll(async () => {
  await stack.close();
});

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe('a generated experiment analysed end to end', () => {
  it('accounts for every row read', () => {
    const [batch] = document.batches;
    expect(batch?.status).toBe('validated');
    expect(batch?.accepted).toBe(independent.events);
    expect(batch?.rejected).toBe(independent.rejected);
    expect(batch?.duplicates).toBe(independent.duplicates);
    expect((batch?.accepted ?? 0) + (batch?.rejected ?? 0) + (batch?.duplicates ?? 0)).toBe(
      independent.rows,
    );
    expect([independent.rows, independent.rejected, independent.duplicates]).toEqual([
      truth.rows,
      truth.rejected_rows,
      truth.duplicate_rows,
    ]);
  });

  it('counts events, analysed users and users exposed to two variants', () => {
    const [experiment] = document.experiments;
    expect(experiment?.data.events).toBe(independent.events);
    expect(experiment?.data.excluded_users.multiple_variants).toBe(independent.excluded);
    expect(experiment?.data.excluded_users.multiple_variants).toBe(
      truth.excluded_multiple_variants,
    );
    const users = Object.values(independent.variants).reduce((sum, v) => sum + v.users, 0);
    expect(experiment?.data.users).toBe(users);
  });

  it('has the right users, conversions and revenue per variant', () => {
    const [experiment] = document.experiments;
    const conversion = experiment?.metrics.find((m) => m.name === 'conversion');
    const revenue = experiment?.metrics.find((m) => m.name === 'revenue');
    for (const variant of ['control', 'treatment', 'treatment-b']) {
      const expected = independent.variants[variant];
      const c = conversion?.variants.find((v) => v.variant === variant);
      const r = revenue?.variants.find((v) => v.variant === variant);
      expect(c?.users).toBe(expected?.users);
      expect(c?.sum).toBe(expected?.conversions);
      expect(c?.sum).toBe(truth.variants[variant]?.conversions);
      expect(relative(r?.sum ?? NaN, expected?.revenue ?? NaN)).toBeLessThan(1e-12);
      expect(relative(r?.sum ?? NaN, truth.variants[variant]?.revenue ?? NaN)).toBeLessThan(1e-9);
      const values = expected?.revenueValues ?? [];
      expect(relative(r?.mean ?? NaN, mean(values))).toBeLessThan(1e-12);
      expect(relative(r?.sd ?? NaN, sampleStandardDeviation(values))).toBeLessThan(1e-10);
    }
  });

  it('compares every treatment with the control and checks the sample ratio', () => {
    const [experiment] = document.experiments;
    for (const metric of experiment?.metrics ?? []) {
      expect(metric.comparisons.map((c) => [c.variant, c.control])).toEqual([
        ['treatment', 'control'],
        ['treatment-b', 'control'],
      ]);
    }
    expect(experiment?.srm.expected_share).toEqual({
      control: 1 / 3,
      treatment: 1 / 3,
      'treatment-b': 1 / 3,
    });
    expect(experiment?.srm.observed.control).toBe(independent.variants.control?.users);
    expect(experiment?.srm.flagged).toBe(false);
  });
});
