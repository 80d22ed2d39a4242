/**
 * The embedded default Database: PGlite, a real PostgreSQL compiled to WASM, keeping its files
 * in `<data-dir>/pg` (or in memory for `memory://`).
 *
 * PGlite's initdb takes seconds in WASM, so a new database starts from a template: the data
 * folder of a freshly initialised and migrated database, dumped once per user into their own
 * cache folder (`ABTEST_CACHE_DIR`, by default `~/.cache/abtest`; keyed by the PGlite version
 * and the migrations' text) and unpacked in well under a second afterwards (by abtest itself for a
 * data folder, so the database is started once; by PGlite for `memory://`). A database is code
 * and data: a template is loaded only when it is a regular file owned by the user, in a folder
 * owned by the user, neither writable by anyone else (see template-file.ts). Migrations still run on every open; on a template they find
 * nothing to do. After a SIGKILL PGlite recovers from its write-ahead log on the next open
 * (its stale `postmaster.pid` is ignored); committed transactions are kept.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { userCacheDir } from '../../config/load-config.ts';
import type { Database, QueryResult, Queryable } from './database.ts';
import { migrate, migrationsDir } from './migrate.ts';
import { privateFolder, readPrivateFile, restrictTree, writePrivateFile } from './private-files.ts';
import { extractTar } from './tar-archive.ts';

/** Where a PGlite database finds its template. */
export interface PgliteOptions {
  /** The folder of templates (created 0700 when absent); by default the user's cache folder. */
  readonly templateDir?: string;
}

/**
 * Opens (creating when absent) a migrated PGlite database.
 * @param dir - a folder for its files, or `memory://` for a throwaway database
 * @param migrations - the folder of numbered `.sql` migrations
 * @param options - where templates are kept
 * @returns the database, migrations applied
 * @throws {Error} when the template (or its folder) is not the user's own, naming it
 * @example const db = await openPgliteDatabase('.abtest/pg')
 */
export async function openPgliteDatabase(
  dir: string,
  migrations: string = migrationsDir(),
  options: PgliteOptions = {},
): Promise<Database> {
  const templateDir = options.templateDir ?? userCacheDir();
  if (dir.startsWith('memory://')) return createDatabase(dir, migrations, templateDir);
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    // Built beside its final place and renamed in, so a process killed half-way through
    // never leaves a half-initialised database that a restart would mistake for a real one.
    const staging = `${dir}.partial`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(path.dirname(dir), { recursive: true, mode: 0o700 });
    if (existsSync(dir) && (await readdir(dir)).length > 0) {
      throw new Error(`${dir} is neither empty nor a PGlite data folder; not touching it`);
    }
    // With a template, its files are unpacked and the database opened once, below; without
    // one, a first instance initialises the database and makes the template.
    const template = await readTemplate(migrations, templateDir);
    if (template === undefined) {
      await (await createDatabase(staging, migrations, templateDir)).close();
    } else {
      await extractTar(template, staging);
    }
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  }
  const db = wrap(await PGlite.create(dir));
  await migrate(db, migrations);
  // PGlite restores a database with its archive's modes (0666) and writes a few files at
  // start-up with modes of its own (0644); a folder made by an earlier version kept them. The
  // user's alone from here on (later files follow the umask).
  await restrictTree(dir);
  return db;
}

/** A new database, from the user's template when there is one (and making it if not). */
async function createDatabase(
  dir: string,
  migrations: string,
  templateDir: string,
): Promise<Database> {
  const saved = await readTemplate(migrations, templateDir);
  const pg =
    saved === undefined
      ? await PGlite.create(dir)
      : await PGlite.create(dir, { loadDataDir: new Blob([saved]) });
  const db = wrap(pg);
  await migrate(db, migrations);
  if (saved === undefined) {
    const dump = await pg.dumpDataDir('none');
    await writePrivateFile(
      await templatePath(migrations, templateDir),
      Buffer.from(await dump.arrayBuffer()),
    );
  }
  return db;
}

/** The user's template for these migrations, when there is one. */
async function readTemplate(
  migrations: string,
  templateDir: string,
): Promise<Buffer<ArrayBuffer> | undefined> {
  return readPrivateFile(await templatePath(migrations, templateDir), 'the PGlite template');
}

/** Where the template for these migrations is kept (its folder created 0700 when absent). */
async function templatePath(migrations: string, templateDir: string): Promise<string> {
  await privateFolder(templateDir, 'the PGlite template folder');
  return path.join(templateDir, await templateName(migrations));
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

/** The file name of the template for this PGlite version and these migrations. */
async function templateName(migrations: string): Promise<string> {
  const hash = createHash('sha256').update(`${await pgliteVersion()}\n`);
  for (const name of (await readdir(migrations)).sort()) {
    hash.update(`${name}\n${await readFile(path.join(migrations, name), 'utf8')}\n`);
  }
  return `pglite-template-${hash.digest('hex').slice(0, 16)}.tar`;
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
