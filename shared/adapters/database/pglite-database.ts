/**
 * The embedded default Database: PGlite, a real PostgreSQL compiled to WASM, keeping its files
 * in `<data-dir>/pg` (or in memory for `memory://`).
 */
import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, QueryResult, Queryable } from './database.ts';

/**
 * Opens (creating when absent) a PGlite database.
 * @param dir - a folder for its files, or `memory://` for a throwaway database
 * @returns the database, migrations not yet applied
 * @example const db = await openPgliteDatabase('.abtest/pg')
 */
export async function openPgliteDatabase(dir: string): Promise<Database> {
  if (!dir.startsWith('memory://')) await mkdir(dir, { recursive: true });
  const pg = await PGlite.create(dir);
  const run = async <Row>(
    target: PGlite | Transaction,
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>> => {
    const result = await target.query<Row>(sql, params === undefined ? [] : [...params]);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };
  return {
    kind: 'pglite',
    query: (sql, params) => run(pg, sql, params),
    transaction: (work) =>
      pg.transaction((tx) => {
        const scoped: Queryable = { query: (sql, params) => run(tx, sql, params) };
        return work(scoped);
      }),
    close: () => pg.close(),
  };
}
