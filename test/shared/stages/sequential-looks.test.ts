/**
 * The sequential test end to end, on a generated experiment with a known effect (+60% conversion):
 * events arrive in three slices of days, each analysis is one look stored in `sequential_looks`,
 * the confidence sequence runs over the looks (the same analysis delivered again adds none),
 * the decision arrives, and the results by day show the band narrowing until it leaves 0.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDefinition } from '../../../shared/analysis/experiment-definition.ts';
import { emptyTruth, generateEvents } from '../../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../../shared/generate/write-generated-file.ts';
import { runFiles } from '../../../shared/local/run-files.ts';
import type { ExperimentResult } from '../../../shared/result/result-document.ts';
import { analyzeExperiment } from '../../../shared/stages/analyze.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';

let stack: LocalStack;
let slices: string[];
const experimentId = 'seq-e2e';
const definition = checkDefinition(
  {
    id: experimentId,
    primary_metric: 'conversion',
    guardrail_metrics: ['revenue'],
    sequential: { planned_users: 12000 },
    practical_effect: 0.01,
  },
  'test',
);

beforeAll(async () => {
  stack = await openLocalStack({}, { chain: true });
  const whole = path.join(stack.dataDir, 'whole.csv');
  const options = { users: 12000, seed: 5, experimentId, conversionLift: 0.6, mess: false };
  await writeGeneratedFile(whole, 'csv', generateEvents(options, emptyTruth(options)));
  const [header, ...lines] = (await readFile(whole, 'utf8')).trimEnd().split('\n');
  const timestampColumn = (header ?? '').split(',').indexOf('timestamp');
  const dayOf = (line: string) => new Date(line.split(',')[timestampColumn] ?? '').getUTCDate();
  // Generated days are 2026-01-05 to 01-18 (events may run two days past the last exposure).
  const bounds = [0, 8, 12, 99];
  slices = [];
  for (let i = 0; i < 3; i += 1) {
    const slice = path.join(stack.dataDir, `slice-${i}.csv`);
    const kept = lines.filter(
      (line) => dayOf(line) >= (bounds[i] ?? 0) && dayOf(line) < (bounds[i + 1] ?? 0),
    );
    await writeFile(slice, `${header}\n${kept.join('\n')}\n`);
    slices.push(slice);
  }
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

async function look(file: string): Promise<ExperimentResult> {
  const { document, problems } = await runFiles(stack.deps, [{ path: file }], {
    definition,
    source: 'test',
  });
  expect(problems).toEqual([]);
  const experiment = document.experiments[0];
  if (experiment === undefined) throw new Error('no experiment');
  return experiment;
}

const conversionOf = (experiment: ExperimentResult) =>
  experiment.metrics.find((metric) => metric.name === 'conversion')?.comparisons[0];

describe('the sequential test over daily looks', () => {
  it('stores one look per analysis, runs the sequence over them, and the decision arrives', async () => {
    const results: ExperimentResult[] = [];
    for (const slice of slices) results.push(await look(slice));
    const sequential = results.map((result) => conversionOf(result)?.sequential);
    expect(sequential.map((s) => s?.looks)).toEqual([1, 2, 3]);
    expect(sequential.map((s) => s?.n_planned)).toEqual([12000, 12000, 12000]);
    expect(sequential[0]?.planned_users_source).toBe('definition');
    // The running intersection: never wider than before, inside this look's own interval.
    for (let k = 1; k < 3; k += 1) {
      const now = sequential[k]!;
      const before = sequential[k - 1]!;
      expect(now.ci[0]!).toBeGreaterThanOrEqual(before.ci[0]!);
      expect(now.ci[1]!).toBeLessThanOrEqual(before.ci[1]!);
      expect(now.ci[0]!).toBeGreaterThanOrEqual(now.look_ci[0]!);
      expect(now.p_value!).toBeLessThanOrEqual(before.p_value!);
    }
    const first = conversionOf(results[0]!)!;
    const last = conversionOf(results[2]!)!;
    expect(first.decision?.action).toBe('keep running');
    expect(last.decision?.action).toBe('ship');
    expect(last.decision?.reason).toContain('lies above 0: treatment improves conversion');
    expect(last.sequential!.p_value!).toBeLessThan(0.05);
    // The always-valid interval is wider than the fixed-horizon one at the same look.
    expect(last.sequential!.look_ci[1]! - last.sequential!.look_ci[0]!).toBeGreaterThan(
      last.difference_ci[1]! - last.difference_ci[0]!,
    );

    const stored = await stack.deps.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sequential_looks WHERE experiment_id = $1`,
      [experimentId],
    );
    expect(stored.rows[0]?.n).toBe(3 * 2);

    // The same analysis again (a rerun without new data, a redelivery) adds no look.
    await analyzeExperiment(stack.deps, experimentId, { kind: 'rerun', triggerId: 'again' });
    const again = await stack.deps.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sequential_looks WHERE experiment_id = $1`,
      [experimentId],
    );
    expect(again.rows[0]?.n).toBe(6);
  }, 300_000);

  it('shows the band narrowing day by day until it leaves 0, with the plan', async () => {
    const latest = await look(slices[2] ?? '');
    const days = (latest.by_day ?? []).filter((row) => row.metric === 'conversion');
    expect(days[0]?.date).toBe('2026-01-05');
    expect(days.length).toBeGreaterThanOrEqual(14);
    const widths = days.map((row) => row.sequential_ci[1]! - row.sequential_ci[0]!);
    for (let k = 1; k < widths.length; k += 1)
      expect(widths[k]!).toBeLessThanOrEqual(widths[k - 1]!);
    const firstExcluding = days.findIndex((row) => row.sequential_ci[0]! > 0);
    expect(firstExcluding).toBeGreaterThan(0);
    expect(days.at(-1)?.sequential_p_value).toBeLessThan(0.05);
    expect(days[0]?.sequential_p_value).toBeGreaterThan(0.05);
    // The last day is the whole experiment.
    expect(days.at(-1)?.difference).toBeCloseTo(conversionOf(latest)?.difference ?? NaN, 12);
    expect(latest.planning).toMatchObject({
      metric: 'conversion',
      planned_users: 12000,
      planned_users_source: 'definition',
      days_left: 0,
    });
    expect(latest.planning?.current_mde).toBeGreaterThan(0);
  }, 300_000);
});
