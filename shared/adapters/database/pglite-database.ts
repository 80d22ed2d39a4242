/**
 * The embedded default Database: PGlite, a real PostgreSQL compiled to WASM, keeping its files
 * in `<data-dir>/pg` (or in memory for `memory://`).
 *
 * PGlite's initdb takes seconds in WASM, so a new database starts from a template: the data
 * folder of a freshly initialised and migrated database, dumped once per machine into the
 * temporary folder (keyed by the PGlite version and the migrations' text) and loaded in well
 * under a second afterwards. Migrations still run on every open; on a template they find
 * nothing to do. After a SIGKILL PGlite recovers from its write-ahead log on the next open
 * (its stale `postmaster.pid` is ignored); committed transactions are kept.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, QueryResult, Queryable } from './database.ts';
import { migrate, migrationsDir } from './migrate.ts';

/**
 * Opens (creating when absent) a migrated PGlite database.
 * @param dir - a folder for its files, or `memory://` for a throwaway database
 * @param migrations - the folder of numbered `.sql` migrations
 * @returns the database, migrations applied
 * @example const db = await openPgliteDatabase('.abtest/pg')
 */
export async function openPgliteDatabase(
  dir: string,
  migrations: string = migrationsDir(),
): Promise<Database> {
  if (dir.startsWith('memory://')) return createDatabase(dir, migrations);
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    // Built beside its final place and renamed in, so a process killed half-way through
    // never leaves a half-initialised database that a restart would mistake for a real one.
    const staging = `${dir}.partial`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(path.dirname(dir), { recursive: true });
    if (existsSync(dir) && (await readdir(dir)).length > 0) {
      throw new Error(`${dir} is neither empty nor a PGlite data folder; not touching it`);
    }
    const created = await createDatabase(staging, migrations);
    await created.close();
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  }
  const db = wrap(await PGlite.create(dir));
  await migrate(db, migrations);
  return db;
}

/** A new database, from this machine's template when there is one (and making it if not). */
async function createDatabase(dir: string, migrations: string): Promise<Database> {
  const template = await templateFile(migrations);
  const pg = existsSync(template)
    ? await PGlite.create(dir, { loadDataDir: new Blob([await readFile(template)]) })
    : await PGlite.create(dir);
  const db = wrap(pg);
  await migrate(db, migrations);
  if (!existsSync(template)) await saveTemplate(pg, template);
  return db;
}

/**
 * Marks code running inside a transaction's callback. PGlite is one connection: a statement sent
 * on the database (not the transaction) from inside the callback would wait for the
 * transaction to end, which waits for the statement, and the process would stop silently.
 */
const insideTransaction = new AsyncLocalStorage<true>();

function wrap(pg: PGlite): Database {
  const run = async <Row>(
    target: PGlite | Transaction,
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>> => {
    const result = await target.query<Row>(sql, params === undefined ? [] : [...params]);
    // `affectedRows` is 0 for a SELECT; `rowCount` is the command tag's count, as `pg` reports it.
    return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? 0 };
  };
  return {
    kind: 'pglite',
    query: (sql, params) => {
      if (insideTransaction.getStore() === true) {
        return Promise.reject(
          new Error(
            'a statement on the database inside a transaction would deadlock: use the transaction',
          ),
        );
      }
      return run(pg, sql, params);
    },
    transaction: (work) =>
      pg.transaction((tx) => {
        const scoped: Queryable = {
          query: (sql, params) => insideTransaction.exit(() => run(tx, sql, params)),
        };
        return insideTransaction.run(true, () => work(scoped));
      }),
    close: () => pg.close(),
  };
}

/** Where this machine keeps the template for this PGlite version and these migrations. */
async function templateFile(migrations: string): Promise<string> {
  const hash = createHash('sha256').update(`${await pgliteVersion()}\n`);
  for (const name of (await readdir(migrations)).sort()) {
    hash.update(`${name}\n${await readFile(path.join(migrations, name), 'utf8')}\n`);
  }
  return path.join(os.tmpdir(), `abtest-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
}

/** The installed PGlite's version, read from the package.json above its entry module. */
async function pgliteVersion(): Promise<string> {
  let dir = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  for (let depth = 0; depth < 4; depth += 1) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      return (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version;
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}

async function saveTemplate(pg: PGlite, file: string): Promise<void> {
  const dump = await pg.dumpDataDir('none');
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, Buffer.from(await dump.arrayBuffer()));
  await rename(temporary, file);
}
