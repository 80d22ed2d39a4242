/**
 * The Warehouse port: runs one generated analysis query (shared/warehouse/) where the curated
 * events are, and brings back its small result. DuckDB in process over the local curated
 * Parquet; BigQuery over the BigLake external table of the curated bucket.
 */

/** A query to run: text, named parameters, and labels for the job (BigQuery only). */
export interface WarehouseRequest {
  readonly sql: string;
  /** Named parameters: strings or numbers (whole numbers, below 2^53, bind as 64-bit integers). */
  readonly params: Readonly<Record<string, string | number>>;
  /** Job labels (lowercase keys and values, at most 63 characters each). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One result row: numbers (64-bit integers as numbers), strings or null. */
export type WarehouseRow = Readonly<Record<string, number | string | null>>;

/** Where the generated query runs. */
export interface Warehouse {
  /** `duckdb` or `bigquery`: the engine the result document names in `provenance.engine`. */
  readonly engine: 'duckdb' | 'bigquery';
  /**
   * Runs a query to completion.
   * @returns its rows, in the query's order
   */
  query(request: WarehouseRequest): Promise<readonly WarehouseRow[]>;
  /** Releases the engine's resources. */
  close(): Promise<void>;
}

/**
 * A result cell as a row value: 64-bit integers (bigint) become numbers, other values as read.
 * @param cell - the cell as the client returned it
 * @returns the value
 * @example rowValue(3n) // 3
 */
export function rowValue(cell: unknown): number | string | null {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'bigint') return Number(cell);
  if (typeof cell === 'number' || typeof cell === 'string') return cell;
  return String(cell);
}
