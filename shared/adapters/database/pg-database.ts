/**
 * The Database on a PostgreSQL server through `pg`: any server by URL, or Cloud SQL through the
 * Cloud SQL Node.js connector when an instance connection name is configured.
 */
import pg from 'pg';
import { TransientError } from '../../errors/errors.ts';
import type { Database, QueryResult, Queryable } from './database.ts';

/**
 * Opens a connection pool to a PostgreSQL server.
 * @param connectionString - a `postgres://` URL
 * @returns the database, migrations not yet applied
 * @example const db = openPostgresDatabase('postgres://127.0.0.1:5432/test')
 */
export function openPostgresDatabase(connectionString: string): Database {
  // A server that accepts connections but never answers (stopped, not gone) must not hold a
  // request for ever: a connection is given this long.
  return databaseOverPool(
    new pg.Pool({ connectionString, max: 8, connectionTimeoutMillis: 10_000 }),
  );
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
        try {
          return await run(pool, sql, params);
        } catch (error) {
          // The server ended the session (restart, failover, pg_terminate_backend) and the pool
          // handed out that connection before hearing of it: the statement was rolled back
          // with the session, so it runs once more, on a new connection.
          if (!sessionEnded(error)) throw error;
          return await run(pool, sql, params);
        }
      } catch (error) {
        throw unavailable(error);
      }
    },
    async transaction(work) {
      const client = await pool.connect().catch((error: unknown) => {
        throw unavailable(error);
      });
      let lost: Error | undefined;
      try {
        await client.query('BEGIN');
        const scoped: Queryable = { query: (sql, params) => run(client, sql, params) };
        const result = await work(scoped);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (connectionLost(error) && error instanceof Error) lost = error;
        await client.query('ROLLBACK').catch(() => undefined);
        throw unavailable(error);
      } finally {
        // A connection that broke is dropped, not handed out again.
        client.release(lost);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * A failure of the server or of the connection (not of the statement) as a TransientError, so
 * an HTTP caller gets 503 with Retry-After and a message handler is retried; anything else (a
 * constraint, a syntax error) unchanged. The message names no host or port.
 */
function unavailable(error: unknown): unknown {
  if (error instanceof TransientError || !connectionLost(error)) return error;
  const code = (error as { code?: unknown }).code;
  return new TransientError(
    `the database is unavailable (${typeof code === 'string' ? code : 'connection lost'}); try again shortly`,
    { cause: error },
  );
}

/** Connection-level failures: refused, reset, timed out, ended by the server, or class 08/53/57P. */
function connectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND)$/.test(
        code,
      )
    ) {
      return true;
    }
    if (/^(08...|57P0[1-3]|53300)$/.test(code)) return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i.test(
    message,
  );
}

/** SQLSTATE 57P01-57P03: the server shut the session down (admin, crash, not yet accepting). */
function sessionEnded(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '57P01' || code === '57P02' || code === '57P03';
}
