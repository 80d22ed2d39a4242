/**
 * The DuckDB form of the warehouse query (shared/warehouse/moments-sql.ts) on curated Parquet,
 * for the benchmark: the whole moments table (cells per variant, covariate pattern and exposure
 * day; daily increments; value counts) of the default metrics over every attribute, as
 * `ABTEST_ENGINE=duckdb` computes it. Prints the query's seconds and the table's size (process
 * start-up excluded, like the analyze-stage case it is compared with).
 * `tsx scripts/bench/warehouse-moments.ts EXPERIMENT_ID FILE...`
 */
import pl from 'nodejs-polars';
import { duckdbWarehouse } from '../../shared/adapters/warehouse/duckdb-warehouse.ts';
import { defaultMetrics } from '../../shared/analysis/experiment-definition.ts';
import { curatedColumns } from '../../shared/events/validate-event-rows.ts';
import { momentsFromRows } from '../../shared/warehouse/moments-rows.ts';
import { momentsQuery } from '../../shared/warehouse/moments-sql.ts';

const [experimentId = '', ...files] = process.argv.slice(2);
const core = new Set<string>(curatedColumns);
const attributes = pl
  .scanParquet(files[0] ?? '')
  .columns.filter((name) => !core.has(name))
  .sort();
const schema = {
  attributes,
  metrics: defaultMetrics.map((metric) => ({
    name: metric.name,
    kind: 'value' as const,
    type: metric.type,
    paired: false,
  })),
};
const warehouse = duckdbWarehouse();
const started = performance.now();
const query = momentsQuery(
  { dialect: 'duckdb', files },
  { experimentId, schema, definition: undefined },
);
const moments = momentsFromRows(schema, await warehouse.query(query));
const seconds = (performance.now() - started) / 1000;
await warehouse.close();
process.stdout.write(
  `${JSON.stringify({
    seconds,
    users: moments.cells.reduce((sum, cell) => sum + cell.n, 0),
    cells: moments.cells.length,
    increments: moments.increments.length,
    value_counts: moments.valueCounts.length,
  })}\n`,
);
