/**
 * The small switch between the two SQL dialects the analysis query is generated in: BigQuery
 * (GoogleSQL, over the BigLake external table of the curated Parquet) and DuckDB (over the same
 * Parquet files on disk). The query text is the same but for what this module returns: the
 * table reference, a parameter's marker, the epoch-microseconds function and the type names.
 */

/** A SQL dialect of the analysis query. */
export type SqlDialect = 'bigquery' | 'duckdb';

/** Where the curated events of one experiment are read from. */
export type CuratedEventsSource =
  /** A BigQuery table: `project.dataset.table` (the BigLake table over `events/experiment_id=*`). */
  | { readonly dialect: 'bigquery'; readonly table: string }
  /** Local curated Parquet files (one experiment's batches), read by DuckDB by name. */
  | { readonly dialect: 'duckdb'; readonly files: readonly string[] };

/**
 * A quoted identifier: backticks in BigQuery, double quotes in DuckDB.
 * @param dialect - the dialect
 * @param name - the identifier (a column name such as `a.device`)
 * @returns the quoted identifier
 * @example quoteIdentifier('duckdb', 'a.device') // '"a.device"'
 */
export function quoteIdentifier(dialect: SqlDialect, name: string): string {
  return dialect === 'bigquery'
    ? `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``
    : `"${name.replace(/"/g, '""')}"`;
}

/** A DuckDB string literal, for the file paths only: ids and settings are query parameters. */
function duckdbString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The FROM clause of the curated events.
 * @param source - the table or the files
 * @returns the table reference
 * @example curatedEventsTable({ dialect: 'bigquery', table: 'p.abtest.curated_events' }) // '`p.abtest.curated_events`'
 */
export function curatedEventsTable(source: CuratedEventsSource): string {
  if (source.dialect === 'bigquery') return quoteIdentifier('bigquery', source.table);
  // union_by_name: a batch without some attribute reads it as null, as polars' diagonalRelaxed.
  return `read_parquet([${source.files.map(duckdbString).join(', ')}], union_by_name = true)`;
}

/**
 * A named query parameter: `@name` in BigQuery, `$name` in DuckDB.
 * @param dialect - the dialect
 * @param name - the parameter's name
 * @returns its marker in the query text
 * @example parameter('bigquery', 'experiment_id') // '@experiment_id'
 */
export function parameter(dialect: SqlDialect, name: string): string {
  return dialect === 'bigquery' ? `@${name}` : `$${name}`;
}

/**
 * Microseconds since the epoch of a timestamp expression, as a 64-bit integer.
 * @param dialect - the dialect
 * @param expression - a TIMESTAMP expression
 * @returns the expression
 * @example epochMicros('bigquery', 'timestamp') // 'UNIX_MICROS(timestamp)'
 */
export function epochMicros(dialect: SqlDialect, expression: string): string {
  return dialect === 'bigquery' ? `UNIX_MICROS(${expression})` : `epoch_us(${expression})`;
}

/** The dialect's names of the types the query casts to. */
export function typeNames(dialect: SqlDialect): { readonly float: string; readonly text: string } {
  return dialect === 'bigquery'
    ? { float: 'FLOAT64', text: 'STRING' }
    : { float: 'DOUBLE', text: 'VARCHAR' };
}
