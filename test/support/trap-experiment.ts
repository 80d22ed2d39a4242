/**
 * A generated experiment with every trap of the statistics conventions, run through the local
 * stack so its curated Parquet is what production writes: late exposures (first exposure
 * before the window's start, a repeat inside it; exposures after its end), users exposed in two
 * variants, events before exposure and outside the window, purchases at the exposure instant, duplicate rows within a batch and
 * across two overlapping batches, a ratio metric, CUPED lookbacks and derived covariates.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  checkDefinition,
  type ExperimentDefinition,
} from '../../shared/analysis/experiment-definition.ts';
import { emptyTruth, generateEvents } from '../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../shared/generate/write-generated-file.ts';
import { runFiles } from '../../shared/local/run-files.ts';
import type { ResultDocument } from '../../shared/result/result-document.ts';
import type { LocalStack } from './local-stack.ts';

/** The trap experiment's id. */
export const trapExperimentId = 'warehouse-traps';

/** The trap experiment's definition: a window inside the exposure period, every metric kind. */
export const trapDefinition: ExperimentDefinition = checkDefinition(
  {
    id: trapExperimentId,
    start_at: '2026-01-07T00:00:00Z',
    end_at: '2026-01-16T12:00:00Z',
    primary_metric: 'conversion',
    derived_covariates: true,
    metrics: [
      { name: 'conversion', type: 'binomial', event_type: 'purchase', cuped: true },
      {
        name: 'revenue',
        type: 'continuous',
        event_type: 'purchase',
        cuped: true,
        cuped_lookback_days: 7,
      },
      { name: 'views', type: 'continuous', event_type: 'page_view', aggregate: 'count' },
      {
        name: 'revenue_per_order',
        type: 'ratio',
        numerator: { event_type: 'purchase', aggregate: 'sum' },
        denominator: { event_type: 'purchase', aggregate: 'count' },
      },
      { name: 'carted', type: 'binomial', event_type: 'add_to_cart' },
    ],
  },
  'trap experiment',
);

/**
 * Generates the trap experiment as two overlapping batches and runs them with its definition.
 * @param stack - a local stack with the chain subscribed
 * @param users - how many users to generate
 * @returns the result document and the experiment's curated files
 */
export async function runTrapExperiment(
  stack: LocalStack,
  users: number,
): Promise<{ readonly document: ResultDocument; readonly files: readonly string[] }> {
  const options = { users, seed: 1616, experimentId: trapExperimentId, history: true };
  const rows = [...generateEvents(options, emptyTruth(options))].flatMap((row, i) =>
    // Some purchases at the very instant of an exposure: they count.
    row[4] === 'exposure' && i % 40 === 0
      ? [
          row,
          [`${row[0]}p`, ...row.slice(1, 4), 'purchase', row[5] ?? '', '12.50', ...row.slice(7)],
        ]
      : [row],
  );
  const first = path.join(stack.dataDir, 'traps-1.csv');
  const second = path.join(stack.dataDir, 'traps-2.csv');
  // The batches overlap by a tenth of the rows: those arrive twice, in different batches.
  await writeGeneratedFile(first, 'csv', rows.slice(0, Math.round(rows.length * 0.6)));
  await writeGeneratedFile(second, 'csv', rows.slice(Math.round(rows.length * 0.5)));
  const { document } = await runFiles(stack.deps, [{ path: first }, { path: second }], {
    definition: trapDefinition,
    source: 'trap experiment',
  });
  const files = await curatedFilesOf(stack, trapExperimentId);
  return { document, files };
}

/**
 * The curated Parquet files of an experiment in a local stack, sorted.
 * @param stack - the local stack
 * @param experimentId - the experiment
 * @returns absolute paths
 */
export async function curatedFilesOf(
  stack: LocalStack,
  experimentId: string,
): Promise<readonly string[]> {
  const folder = path.join(
    stack.dataDir,
    'buckets',
    stack.deps.config.buckets.curated,
    'events',
    `experiment_id=${experimentId}`,
  );
  return (await readdir(folder)).sort().map((name) => path.join(folder, name));
}
