/**
 * Throwaway databases on a real PostgreSQL server, for the suites that run when
 * `TEST_DATABASE_URL` is set: each test gets a fresh `abtest_test_<random>` database created
 * on that server and dropped afterwards, so runs never see each other's tables.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../../shared/adapters/database/database.ts';
import { openPostgresDatabase } from '../../shared/adapters/database/pg-database.ts';

/** A database created for one test. */
export interface ScratchDatabase {
  readonly name: string;
  /** A `postgres://` URL pointing at it. */
  readonly url: string;
  /** Drops it; fails when a connection to it is still open. */
  drop(): Promise<void>;
}

/** Creates and drops scratch databases through one admin connection. */
export interface ScratchPostgres {
  create(): Promise<ScratchDatabase>;
  close(): Promise<void>;
}

/**
 * Connects to the server of `adminUrl` (any database the user may connect to).
 * @param adminUrl - e.g. `postgres://root@127.0.0.1:5432/test`
 * @returns a factory of scratch databases
 * @example const server = scratchPostgres(process.env.TEST_DATABASE_URL!)
 */
export function scratchPostgres(adminUrl: string): ScratchPostgres {
  let admin: Database | undefined;
  const connection = () => (admin ??= openPostgresDatabase(adminUrl));
  return {
    async create() {
      // Identifiers cannot be parameters; the name is ours: lower-case letters, digits, `_`.
      const name = `abtest_test_${randomBytes(6).toString('hex')}`;
      await connection().query(`CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        name,
        url: url.toString(),
        // Without FORCE: a connection left open by a test makes this fail instead of vanishing.
        drop: async () => {
          await connection().query(`DROP DATABASE IF EXISTS ${name}`);
        },
      };
    },
    async close() {
      await admin?.close();
      admin = undefined;
    },
  };
}
