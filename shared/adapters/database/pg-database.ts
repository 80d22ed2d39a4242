/**
 * The Database on a PostgreSQL server through `pg`: any server by URL, or Cloud SQL through the
 * Cloud SQL Node.js connector when an instance connection name is configured.
 */
import pg from 'pg';
import type { Database, QueryResult, Queryable } from './database.ts';

/**
 * Opens a connection pool to a PostgreSQL server.
 * @param connectionString - a `postgres://` URL
 * @returns the database, migrations not yet applied
 * @example const db = openPostgresDatabase('postgres://127.0.0.1:5432/test')
 */
export function openPostgresDatabase(connectionString: string): Database {
  return databaseOverPool(new pg.Pool({ connectionString, max: 8 }));
}

/**
 * Wraps a `pg` pool as a {@link Database}.
 * @param pool - a configured pool
 * @returns the database
 * @example databaseOverPool(new pg.Pool({ connectionString }))
 */
export function databaseOverPool(pool: pg.Pool): Database {
  // An idle connection the server ends (restart, failover, idle timeout) is reported here; the
  // pool has already dropped it and the next query opens a new one. Unheard, it would crash.
  pool.on('error', () => undefined);
  const run = async <Row>(
    target: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>> => {
    const result = await target.query(sql, params === undefined ? [] : [...params]);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
  };
  return {
    kind: 'postgres',
    async query(sql, params) {
      try {
        return await run(pool, sql, params);
      } catch (error) {
        // The server ended the session (restart, failover, pg_terminate_backend) and the pool
        // handed out that connection before hearing of it: the statement was rolled back with
        // the session, so it runs once more, on a new connection.
        if (!sessionEnded(error)) throw error;
        return run(pool, sql, params);
      }
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const scoped: Queryable = { query: (sql, params) => run(client, sql, params) };
        const result = await work(scoped);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** SQLSTATE 57P01-57P03: the server shut the session down (admin, crash, not yet accepting). */
function sessionEnded(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '57P01' || code === '57P02' || code === '57P03';
}
