/**
 * The Database port: a PostgreSQL either way, `pg` against a server (Cloud SQL in production)
 * or PGlite (real Postgres in WASM) as the embedded default. Handlers see only this interface.
 * SQL is always parameterised (`$1`, `$2`...).
 */

/** The rows of one statement. */
export interface QueryResult<Row> {
  readonly rows: readonly Row[];
  readonly rowCount: number;
}

/** Anything that runs a parameterised statement: the database or an open transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>>;
}

/** A PostgreSQL database with transactions. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
