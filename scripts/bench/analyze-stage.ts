/**
 * The analyze stage alone on curated Parquet, for the benchmark: the per-user table, the
 * statistics, the cumulative lift, as the stage computes them. Prints the stage's seconds
 * (process start-up excluded, like the DuckDB query it is compared with).
 * `tsx scripts/bench/analyze-stage.ts FILE...`
 */
import { buildUserFrame, toUserTable } from '../../shared/analysis/build-user-table.ts';
import { cumulativeLift } from '../../shared/analysis/cumulative-lift.ts';
import { defaultMetrics, planVariants } from '../../shared/analysis/experiment-definition.ts';
import { summarizeExperiment } from '../../shared/analysis/summarize-experiment.ts';

const files = process.argv.slice(2);
const started = performance.now();
const users = await buildUserFrame(files, defaultMetrics, undefined);
const { table, exposedAt } = toUserTable(users.frame, defaultMetrics);
const plan = planVariants(undefined, table.variant.levels);
const statistics = summarizeExperiment(table, plan, 0.05);
cumulativeLift(table, exposedAt, plan, 0.05);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, users: table.unitIds.length, metrics: statistics.metrics.length })}\n`,
);
