/**
 * The Database contract: what every implementation of the port (PGlite in memory or in a
 * folder, `pg` against a server) must do the same way, because the stores, the outbox and the
 * in-process bus rely on it. Run by `database.test.ts` once per implementation.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../../shared/adapters/database/database.ts';
import { migrate, migrationsDir } from '../../../../shared/adapters/database/migrate.ts';
import type { IsolatedDatabase, IsolatedDatabases } from '../../../support/isolated-databases.ts';

/** The tables `sql/001_init.sql` creates, plus the migrations table. */
const initTables = [
  'analyses',
  'analysis_runs',
  'batch_experiments',
  'bus_deliveries',
  'experiments',
  'ingest_batches',
  'jobs',
  'models',
  'outbox_messages',
  'rejected_messages',
  'reports',
  'schema_migrations',
];

/** Column types the code depends on (jsonb parsed to objects, timestamps to Dates). */
const initColumns: ReadonlyArray<readonly [table: string, column: string, type: string]> = [
  ['outbox_messages', 'payload', 'jsonb'],
  ['outbox_messages', 'sent_at', 'timestamp with time zone'],
  ['bus_deliveries', 'next_attempt_at', 'timestamp with time zone'],
  ['bus_deliveries', 'attempts', 'integer'],
  ['ingest_batches', 'idempotency_key', 'text'],
  ['ingest_batches', 'byte_size', 'double precision'],
  ['analyses', 'document', 'jsonb'],
];

/** Values stored in a jsonb column (as `JSON.stringify` text, as the stores write them). */
const jsonValues: ReadonlyArray<readonly [label: string, value: unknown]> = [
  ['an object', { version: 1, batch_id: 'b_1', nested: { list: [1, 2.5, null], flag: true } }],
  ['an array', [1, 'two', { three: 3 }]],
  ['a unicode string', 'Zürich → 東京 🚀 "quoted" \\ back'],
  ['a number', 42.125],
  ['a boolean', false],
  ['an empty object', {}],
];

/** The migration files of the project's `sql/` folder, as version numbers, in order. */
async function projectMigrationVersions(): Promise<number[]> {
  const names = (await readdir(migrationsDir())).filter((name) => /^\d+_.*\.sql$/.test(name));
  return names.map((name) => Number.parseInt(name, 10)).sort((a, b) => a - b);
}

/**
 * Declares the contract suite for one implementation.
 * @param name - shown in the test names
 * @param kind - the `kind` the implementation reports
 * @param databases - gives each test an empty database (closed after the suite)
 * @example describeDatabaseContract('PGlite in memory', 'pglite', pgliteSchemas())
 */
export function describeDatabaseContract(
  name: string,
  kind: Database['kind'],
  databases: IsolatedDatabases,
): void {
  describe(`Database contract: ${name}`, () => {
    let subject: IsolatedDatabase;
    let db: Database;
    const tempDirs: string[] = [];
    const migrationFolder = async (files: Readonly<Record<string, string>>) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-migrations-'));
      tempDirs.push(dir);
      for (const [file, sql] of Object.entries(files)) await writeFile(path.join(dir, file), sql);
      return dir;
    };

    beforeEach(async () => {
      subject = await databases.open();
      db = subject.db;
    });
    afterAll(() => databases.close());
    afterEach(async () => {
      await subject.dispose();
      await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    });

    it(`reports its kind as ${kind}`, () => {
      expect(db.kind).toBe(kind);
    });

    describe('migrations', () => {
      it('applies the sql/ migrations in order and records each in schema_migrations', async () => {
        const expected = await projectMigrationVersions();
        expect(expected[0]).toBe(1);

        const applied = await migrate(db);

        expect(applied).toEqual(expected);
        const recorded = await db.query<{ version: number; name: string; applied_at: Date }>(
          'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
        );
        expect(recorded.rows.map((row) => row.version)).toEqual(expected);
        expect(recorded.rows[0]?.name).toBe('init');
        expect(recorded.rows[0]?.applied_at).toBeInstanceOf(Date);
      });

      it('applies nothing the second time', async () => {
        await migrate(db);
        const before = await db.query('SELECT version FROM schema_migrations');

        expect(await migrate(db)).toEqual([]);

        const after = await db.query('SELECT version FROM schema_migrations');
        expect(after.rows).toHaveLength(before.rows.length);
      });

      it('creates the tables of 001_init.sql', async () => {
        await migrate(db);
        const tables = await db.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables
           WHERE table_schema = current_schema() ORDER BY table_name`,
        );
        expect(tables.rows.map((row) => row.table_name)).toEqual(
          expect.arrayContaining(initTables),
        );
      });

      it.each(initColumns)('types %s.%s as %s', async (table, column, type) => {
        await migrate(db);
        const columns = await db.query<{ data_type: string }>(
          `SELECT data_type FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
          [table, column],
        );
        expect(columns.rows).toEqual([{ data_type: type }]);
      });

      it('applies a folder by version number (each file sees the tables of the earlier ones)', async () => {
        const dir = await migrationFolder({
          '010_fill.sql': "INSERT INTO contract_child (parent) VALUES ('p1');",
          '002_child.sql':
            '-- needs 001\nCREATE TABLE contract_child (parent text REFERENCES contract_parent (id));',
          '001_parent.sql':
            "CREATE TABLE contract_parent (id text PRIMARY KEY);\nINSERT INTO contract_parent VALUES ('p1');",
          'notes.txt': 'not a migration',
        });

        expect(await migrate(db, dir)).toEqual([1, 2, 10]);

        const recorded = await db.query<{ version: number; name: string }>(
          'SELECT version, name FROM schema_migrations ORDER BY version',
        );
        expect(recorded.rows).toEqual([
          { version: 1, name: 'parent' },
          { version: 2, name: 'child' },
          { version: 10, name: 'fill' },
        ]);
        const children = await db.query('SELECT parent FROM contract_child');
        expect(children.rows).toEqual([{ parent: 'p1' }]);
      });

      it('rolls a failing migration back whole, records nothing for it and stops there', async () => {
        const dir = await migrationFolder({
          '001_first.sql': 'CREATE TABLE contract_first (id int);',
          '002_broken.sql':
            'CREATE TABLE contract_second (id int);\nSELECT contract_no_such_function();',
          '003_third.sql': 'CREATE TABLE contract_third (id int);',
        });

        await expect(migrate(db, dir)).rejects.toThrow(/contract_no_such_function/);

        const recorded = await db.query<{ version: number }>(
          'SELECT version FROM schema_migrations ORDER BY version',
        );
        expect(recorded.rows.map((row) => row.version)).toEqual([1]);
        const tables = await db.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables
           WHERE table_schema = current_schema() AND table_name LIKE 'contract_%'`,
        );
        expect(tables.rows.map((row) => row.table_name)).toEqual(['contract_first']);

        await writeFile(path.join(dir, '002_broken.sql'), 'CREATE TABLE contract_second (id int);');
        expect(await migrate(db, dir)).toEqual([2, 3]);
      });

      it('applies each migration once when four instances migrate at the same time', async () => {
        const open = async () => (await subject.openConcurrent?.()) ?? db;
        const instances = [db, await open(), await open(), await open()];
        const expected = await projectMigrationVersions();

        const applied = await Promise.all(instances.map((instance) => migrate(instance)));

        expect(applied.flat().sort((a, b) => a - b)).toEqual(expected);
        const recorded = await db.query('SELECT version FROM schema_migrations');
        expect(recorded.rows).toHaveLength(expected.length);
      });
    });

    describe('queries', () => {
      beforeEach(async () => {
        await db.query(`CREATE TABLE contract_values (
          id text PRIMARY KEY, doc jsonb, tags text[], at timestamptz, n integer)`);
      });

      it.each(jsonValues)('round-trips %s through jsonb', async (_label, value) => {
        await db.query('INSERT INTO contract_values (id, doc) VALUES ($1, $2)', [
          'j',
          JSON.stringify(value),
        ]);
        const result = await db.query<{ doc: unknown }>(
          'SELECT doc FROM contract_values WHERE id = $1',
          ['j'],
        );
        expect(result.rows).toEqual([{ doc: value }]);
      });

      it('round-trips text[] parameters and matches them with = ANY($1)', async () => {
        const tags = ['plain', 'with,comma', 'with "quotes"', 'with {brace}', ''];
        for (const id of ['a', 'b', 'c']) {
          await db.query('INSERT INTO contract_values (id, tags) VALUES ($1, $2)', [id, tags]);
        }

        const stored = await db.query<{ tags: string[] }>(
          'SELECT tags FROM contract_values WHERE id = $1',
          ['a'],
        );
        expect(stored.rows).toEqual([{ tags }]);
        const some = await db.query<{ id: string }>(
          'SELECT id FROM contract_values WHERE id = ANY($1) ORDER BY id',
          [['c', 'a', 'zz']],
        );
        expect(some.rows).toEqual([{ id: 'a' }, { id: 'c' }]);
        const none = await db.query('SELECT id FROM contract_values WHERE id = ANY($1)', [[]]);
        expect(none.rows).toEqual([]);
      });

      it('round-trips timestamptz as Dates, whatever offset the input carries', async () => {
        const instant = new Date('2026-11-26T12:34:56.789Z');
        await db.query('INSERT INTO contract_values (id, at) VALUES ($1, $2), ($3, $4)', [
          'date',
          instant,
          'text',
          '2026-11-26T13:34:56.789+01:00',
        ]);

        const result = await db.query<{ id: string; at: Date }>(
          'SELECT id, at FROM contract_values ORDER BY id',
        );
        expect(result.rows.map((row) => [row.id, row.at.toISOString()])).toEqual([
          ['date', instant.toISOString()],
          ['text', instant.toISOString()],
        ]);
      });

      it('adds a fractional make_interval to a timestamptz (the bus backoff)', async () => {
        const result = await db.query<{ later: Date }>(
          'SELECT $1::timestamptz + make_interval(secs => $2) AS later',
          [new Date('2026-11-26T00:00:00.000Z'), 1.25],
        );
        expect(result.rows[0]?.later.toISOString()).toBe('2026-11-26T00:00:01.250Z');
      });

      it('binds null and undefined parameters as NULL, and casts counts to numbers', async () => {
        await db.query('INSERT INTO contract_values (id, doc, n) VALUES ($1, $2, $3)', [
          'nulls',
          null,
          undefined,
        ]);
        const result = await db.query<{ doc: unknown; n: unknown; total: unknown }>(
          'SELECT doc, n, (SELECT count(*) FROM contract_values)::int AS total FROM contract_values',
        );
        expect(result.rows).toEqual([{ doc: null, n: null, total: 1 }]);
      });

      it('rejects a bad statement with the server message', async () => {
        await expect(db.query('SELECT * FROM contract_no_such_table')).rejects.toThrow(
          /relation "contract_no_such_table" does not exist/,
        );
      });
    });

    describe('rowCount', () => {
      beforeEach(async () => {
        await db.query('CREATE TABLE contract_rows (id text PRIMARY KEY, n integer)');
      });

      it('is 1 then 0 for INSERT ... ON CONFLICT DO NOTHING (the stores rely on it)', async () => {
        const insert = 'INSERT INTO contract_rows (id, n) VALUES ($1, $2) ON CONFLICT DO NOTHING';
        expect((await db.query(insert, ['x', 1])).rowCount).toBe(1);
        expect((await db.query(insert, ['x', 2])).rowCount).toBe(0);
        const inTransaction = await db.transaction((tx) => tx.query(insert, ['x', 3]));
        expect(inTransaction.rowCount).toBe(0);
        const stored = await db.query('SELECT n FROM contract_rows');
        expect(stored.rows).toEqual([{ n: 1 }]);
      });

      it.each([
        ['a multi-row INSERT', "INSERT INTO contract_rows VALUES ('c', 3), ('d', 4)", 2],
        ['an UPDATE of every row', 'UPDATE contract_rows SET n = n + 1', 2],
        ['an UPDATE matching nothing', "UPDATE contract_rows SET n = 0 WHERE id = 'zz'", 0],
        ['a DELETE of one row', "DELETE FROM contract_rows WHERE id = 'a'", 1],
        ['a SELECT of two rows', 'SELECT id FROM contract_rows', 2],
        ['a SELECT of no rows', 'SELECT id FROM contract_rows WHERE false', 0],
      ])('counts the rows of %s', async (_label, sql, expected) => {
        await db.query("INSERT INTO contract_rows VALUES ('a', 1), ('b', 2)");
        expect((await db.query(sql)).rowCount).toBe(expected);
      });
    });

    describe('transactions', () => {
      beforeEach(async () => {
        await db.query('CREATE TABLE contract_tx (id text PRIMARY KEY)');
      });

      it('commits when the work resolves and returns its value', async () => {
        const value = await db.transaction(async (tx) => {
          await tx.query('INSERT INTO contract_tx VALUES ($1)', ['one']);
          const inside = await tx.query('SELECT id FROM contract_tx');
          return inside.rows;
        });

        expect(value).toEqual([{ id: 'one' }]);
        const after = await db.query('SELECT id FROM contract_tx');
        expect(after.rows).toEqual([{ id: 'one' }]);
      });

      it('rolls back every statement when the work throws, and rethrows', async () => {
        const failure = new Error('work failed half-way');

        await expect(
          db.transaction(async (tx) => {
            await tx.query('INSERT INTO contract_tx VALUES ($1)', ['first']);
            await tx.query('INSERT INTO contract_tx VALUES ($1)', ['second']);
            throw failure;
          }),
        ).rejects.toBe(failure);

        const after = await db.query('SELECT id FROM contract_tx');
        expect(after.rows).toEqual([]);
      });

      it('rolls back when a statement fails, and stays usable afterwards', async () => {
        await expect(
          db.transaction(async (tx) => {
            await tx.query('INSERT INTO contract_tx VALUES ($1)', ['dup']);
            await tx.query('INSERT INTO contract_tx VALUES ($1)', ['dup']);
          }),
        ).rejects.toThrow(/duplicate key/);

        await db.transaction((tx) => tx.query('INSERT INTO contract_tx VALUES ($1)', ['later']));
        const after = await db.query('SELECT id FROM contract_tx');
        expect(after.rows).toEqual([{ id: 'later' }]);
      });
    });
  });
}

/**
 * Declares the persistence test: what one handle wrote, a handle opened after it was closed
 * reads (PGlite in a folder, a PostgreSQL server).
 * @param name - shown in the test names
 * @param open - opens an empty database whose `reopen` is set
 * @example describeDatabasePersistence('PGlite in a folder', openInFolder)
 */
export function describeDatabasePersistence(
  name: string,
  open: () => Promise<IsolatedDatabase>,
): void {
  describe(`Database persistence: ${name}`, () => {
    it('keeps migrations and rows across close and reopen', async () => {
      const subject = await open();
      try {
        await migrate(subject.db);
        await subject.db.query(
          'INSERT INTO experiments (experiment_id, definition) VALUES ($1, $2)',
          ['kept', JSON.stringify({ id: 'kept' })],
        );
        await subject.db.close();
        await expect(subject.db.query('SELECT 1')).rejects.toThrow();

        const reopen = subject.reopen;
        if (reopen === undefined) throw new Error(`${name} cannot be reopened`);
        const reopened = await reopen();
        expect(await migrate(reopened)).toEqual([]);
        const rows = await reopened.query('SELECT experiment_id, definition FROM experiments');
        expect(rows.rows).toEqual([{ experiment_id: 'kept', definition: { id: 'kept' } }]);
      } finally {
        await subject.dispose();
      }
    });
  });
}
