/**
 * Runs the Database contract against PGlite (in memory and in a folder, always) and against a
 * real PostgreSQL server through `pg` when `TEST_DATABASE_URL` is set (`.ci/run` sets it when
 * 127.0.0.1:5432 answers); on the server everything happens in a scratch database dropped after.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../../shared/adapters/database/database.ts';
import { openPgliteDatabase } from '../../../../shared/adapters/database/pglite-database.ts';
import type { IsolatedDatabase } from '../../../support/isolated-databases.ts';
import {
  closingOnce,
  pgliteSchemas,
  postgresSchemas,
} from '../../../support/isolated-databases.ts';
import { describeDatabaseContract, describeDatabasePersistence } from './database-contract.ts';

const folders: string[] = [];
const tempFolder = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-pglite-'));
  folders.push(dir);
  return dir;
};

describeDatabaseContract('PGlite in memory', 'pglite', pgliteSchemas('memory://'));

describe('PGlite in a folder', () => {
  // One folder for the contract suite, removed once its PGlite is closed.
  const contractDir = path.join(os.tmpdir(), `abtest-pglite-${randomBytes(6).toString('hex')}`);
  const databases = pgliteSchemas(contractDir);
  describeDatabaseContract('PGlite in a folder', 'pglite', {
    open: () => databases.open(),
    async close() {
      await databases.close();
      await rm(contractDir, { recursive: true, force: true });
    },
  });

  describeDatabasePersistence('PGlite in a folder', async (): Promise<IsolatedDatabase> => {
    const dir = path.join(await tempFolder(), 'pg');
    const handles: Database[] = [closingOnce(await openPgliteDatabase(dir))];
    return {
      db: handles[0] as Database,
      schema: 'public',
      async reopen() {
        const db = closingOnce(await openPgliteDatabase(dir));
        handles.push(db);
        return db;
      },
      async dispose() {
        for (const db of handles) await db.close();
        await Promise.all(folders.splice(0).map((f) => rm(f, { recursive: true, force: true })));
      },
    };
  });
});

const serverUrl = process.env.TEST_DATABASE_URL;
if (serverUrl === undefined || serverUrl === '') {
  // eslint-disable-next-line no-console
  console.warn('TEST_DATABASE_URL not set: the pg Database contract against PostgreSQL is skipped');
  describe('Database contract: pg against PostgreSQL', () => {
    it.skip('TEST_DATABASE_URL not set (.ci/run sets it when 127.0.0.1:5432 answers)', () => {});
  });
} else {
  describeDatabaseContract('pg against PostgreSQL', 'postgres', postgresSchemas(serverUrl));

  const persistence = postgresSchemas(serverUrl);
  describe('pg against PostgreSQL', () => {
    afterAll(() => persistence.close());
    describeDatabasePersistence('pg against PostgreSQL', () => persistence.open());

    it('survives the server terminating its idle connections (no crash, next query works)', async () => {
      const subject = await persistence.open();
      const admin = await subject.openConcurrent!();
      try {
        const before = await subject.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const pid = before.rows[0]?.pid;
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        // Wait (bounded by the test timeout) for the backend to be gone.
        for (;;) {
          const alive = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
          if (alive.rows.length === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }

        const after = await subject.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        expect(after.rows[0]?.pid).not.toBe(pid);
      } finally {
        await subject.dispose();
      }
    });
  });
}
