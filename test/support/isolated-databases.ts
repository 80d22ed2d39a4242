/**
 * Empty databases for tests, one per test, cheaply: starting PGlite takes seconds, so a suite
 * shares one PGlite (or one scratch database on a PostgreSQL server) and each test gets a new
 * schema put first on the `search_path`. Every statement of the code under test is unqualified,
 * so a fresh schema is an empty database to it.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../../shared/adapters/database/database.ts';
import { openPostgresDatabase } from '../../shared/adapters/database/pg-database.ts';
import { openPgliteDatabase } from '../../shared/adapters/database/pglite-database.ts';
import type { ScratchDatabase } from './scratch-postgres.ts';
import { scratchPostgres } from './scratch-postgres.ts';

/** One test's database. */
export interface IsolatedDatabase {
  readonly db: Database;
  readonly schema: string;
  /** Opens a second handle on the same schema while `db` stays open; absent for PGlite. */
  readonly openConcurrent?: () => Promise<Database>;
  /** Opens the same schema again after `db` was closed; absent for PGlite. */
  readonly reopen?: () => Promise<Database>;
  /** Closes this test's handles and drops its schema. */
  dispose(): Promise<void>;
}

/** A source of isolated databases for one suite. */
export interface IsolatedDatabases {
  open(): Promise<IsolatedDatabase>;
  /** Closes what the suite shared (the PGlite instance, the scratch database). */
  close(): Promise<void>;
}

const schemaName = () => `t_${randomBytes(5).toString('hex')}`;

/**
 * Makes `close` idempotent, so a test may close a handle that `dispose` closes again.
 * @param db - the handle
 * @param close - what closing does (default: close the handle)
 * @returns the wrapped handle
 * @example closingOnce(await openPgliteDatabase('memory://'))
 */
export function closingOnce(db: Database, close: () => Promise<void> = () => db.close()): Database {
  let closing: Promise<void> | undefined;
  return {
    kind: db.kind,
    query: (sql, params) => db.query(sql, params),
    transaction: (work) => db.transaction(work),
    close: () => (closing ??= close()),
  };
}

/**
 * Schemas in one shared PGlite. Tests using them must run one after the other (as the tests of
 * one file do): the schema is a session setting of the single PGlite connection.
 * @param dir - `memory://` or a folder
 * @returns the source
 * @example const databases = pgliteSchemas(); afterAll(() => databases.close())
 */
export function pgliteSchemas(dir = 'memory://'): IsolatedDatabases {
  let shared: Promise<Database> | undefined;
  return {
    async open() {
      const pglite = await (shared ??= openPgliteDatabase(dir));
      const schema = schemaName();
      await pglite.query(`CREATE SCHEMA ${schema}`);
      await pglite.query(`SET search_path TO ${schema}`);
      // Closing a test's handle must not close the PGlite the suite shares.
      const db = closingOnce(pglite, async () => undefined);
      return {
        db,
        schema,
        async dispose() {
          await pglite.query('SET search_path TO public');
          await pglite.query(`DROP SCHEMA ${schema} CASCADE`);
        },
      };
    },
    async close() {
      if (shared !== undefined) await (await shared).close();
      shared = undefined;
    },
  };
}

/**
 * Schemas in one scratch database created on the server of `adminUrl`; each handle is a `pg`
 * pool whose connections start with `search_path` set to the test's schema.
 * @param adminUrl - the server, e.g. `TEST_DATABASE_URL`
 * @returns the source
 * @example const databases = postgresSchemas(process.env.TEST_DATABASE_URL!)
 */
export function postgresSchemas(adminUrl: string): IsolatedDatabases {
  const server = scratchPostgres(adminUrl);
  let scratch: Promise<{ database: ScratchDatabase; admin: Database }> | undefined;
  const start = async () => {
    const database = await server.create();
    return { database, admin: openPostgresDatabase(database.url) };
  };
  return {
    async open() {
      const { database, admin } = await (scratch ??= start());
      const schema = schemaName();
      await admin.query(`CREATE SCHEMA ${schema}`);
      const url = new URL(database.url);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const handles: Database[] = [];
      const connect = async () => {
        const db = closingOnce(openPostgresDatabase(url.toString()));
        handles.push(db);
        return db;
      };
      return {
        db: await connect(),
        schema,
        openConcurrent: connect,
        reopen: connect,
        async dispose() {
          for (const db of handles) await db.close();
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        },
      };
    },
    async close() {
      if (scratch !== undefined) {
        const { database, admin } = await scratch;
        await admin.close();
        await database.drop();
      }
      scratch = undefined;
      await server.close();
    },
  };
}
