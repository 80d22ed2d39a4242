/**
 * The floor the benchmark compares with: DuckDB computing, from the same data, what the
 * analysis needs at the least: per variant, users (by first exposure's variant... simplified
 * to the variant of the user's events), converted users and revenue. Run as its own process:
 * `tsx scripts/bench/duckdb-floor.ts csv|parquet FILE...`; prints the query's seconds.
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [kind, ...files] = process.argv.slice(2);
const source =
  kind === 'csv'
    ? `read_csv([${files.map((f) => `'${f}'`).join(', ')}], header = true, all_varchar = true)`
    : `read_parquet([${files.map((f) => `'${f}'`).join(', ')}])`;
const value = kind === 'csv' ? 'TRY_CAST(value AS DOUBLE)' : 'value';
const started = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const result = await connection.runAndReadAll(`
  WITH users AS (
    SELECT user_id, min(variant) AS variant,
           max(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS converted,
           sum(CASE WHEN event_type = 'purchase' THEN ${value} ELSE 0 END) AS revenue
    FROM ${source} GROUP BY user_id)
  SELECT variant, count(*) AS users, sum(converted) AS conversions, sum(revenue) AS revenue
  FROM users GROUP BY variant ORDER BY variant`);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, rows: result.getRowObjectsJson() })}\n`);
