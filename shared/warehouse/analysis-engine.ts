/**
 * Which engine analyses an experiment (`ABTEST_ENGINE`, issue 16): `inprocess` (polars in this
 * process, the default), `duckdb` (the generated warehouse query, run by DuckDB in process over
 * the local curated Parquet), `bigquery` (the same query on BigQuery over the BigLake table of
 * the curated bucket), or `auto`: bigquery when the experiment's curated bytes pass the
 * threshold, else inprocess.
 */

/** An engine that computes an analysis, as `provenance.engine` names it. */
export type AnalysisEngineName = 'inprocess' | 'duckdb' | 'bigquery';

/** The `ABTEST_ENGINE` setting. */
export type AnalysisEngineSetting = AnalysisEngineName | 'auto';

/**
 * The engine of one experiment's analysis.
 * @param setting - `ABTEST_ENGINE`
 * @param curatedBytes - the size of the experiment's curated Parquet
 * @param thresholdBytes - `ABTEST_BIGQUERY_THRESHOLD_BYTES`
 * @returns the engine: the setting itself unless it is `auto`
 * @example chooseAnalysisEngine('auto', 20e9, 10e9) // 'bigquery'
 */
export function chooseAnalysisEngine(
  setting: AnalysisEngineSetting,
  curatedBytes: number,
  thresholdBytes: number,
): AnalysisEngineName {
  if (setting !== 'auto') return setting;
  return curatedBytes > thresholdBytes ? 'bigquery' : 'inprocess';
}
