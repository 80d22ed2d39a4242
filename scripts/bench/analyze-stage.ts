/**
 * The analyze stage alone on curated Parquet, for the benchmark: the per-user table, the
 * statistics, the cumulative lift, the sequential view and the results by day, as the stage
 * computes them (a first look: no earlier looks to read). Prints the stage's seconds
 * (process start-up excluded, like the DuckDB query it is compared with).
 * `tsx scripts/bench/analyze-stage.ts FILE...`
 */
import { buildUserFrame, toUserTable } from '../../shared/analysis/build-user-table.ts';
import { cumulativeLift } from '../../shared/analysis/cumulative-lift.ts';
import { defaultMetrics, planVariants } from '../../shared/analysis/experiment-definition.ts';
import { dailyResults } from '../../shared/analysis/daily-results.ts';
import { armMoments, withSequentialView } from '../../shared/analysis/sequential-comparisons.ts';
import { plannedUsersOf } from '../../shared/analysis/sequential-plan.ts';
import { summarizeExperiment } from '../../shared/analysis/summarize-experiment.ts';
import { EMPTY_MOMENTS } from '../../shared/stats/index.ts';

const files = process.argv.slice(2);
const started = performance.now();
const users = await buildUserFrame(files, defaultMetrics, undefined);
const { table, exposedAt } = toUserTable(users.frame, defaultMetrics);
const plan = planVariants(undefined, table.variant.levels);
const statistics = summarizeExperiment(table, plan, 0.05);
cumulativeLift(table, exposedAt, plan, 0.05);
const moments = armMoments(table, plan);
const planned = plannedUsersOf(
  undefined,
  { type: 'binomial', control: moments.get('conversion')?.get(plan.control) ?? EMPTY_MOMENTS },
  plan,
  0.05,
  table.variant.codes.length,
);
withSequentialView(statistics.metrics, {
  moments,
  plan,
  alpha: 0.05,
  planned,
  earlier: () => [],
  practicalEffect: undefined,
  primaryMetric: 'conversion',
  guardrails: [],
});
dailyResults(table, exposedAt, users.daily ?? [], plan, 0.05, () => planned.plannedUsers);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, users: table.unitIds.length, metrics: statistics.metrics.length })}\n`,
);
