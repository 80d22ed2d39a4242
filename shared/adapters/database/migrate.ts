/**
 * Applies the numbered SQL migrations of `sql/` (`001_init.sql`, `002_...`) in order, each in
 * its own transaction, recording them in `schema_migrations`. The same files serve PGlite and
 * PostgreSQL. An advisory lock keeps two instances starting together from racing.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const migrationLockId = 4_207_771;
const migrationFile = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/**
 * Finds the project's `sql/` folder, from the sources or from the compiled `dist/`.
 * @returns an absolute path
 * @throws {Error} when no `sql/` folder is found
 * @example await migrate(db, migrationsDir())
 */
export function migrationsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    const candidate = path.join(dir, 'sql');
    if (existsSync(path.join(candidate, '001_init.sql'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('sql/ migrations folder not found');
}

/**
 * Applies every migration not yet recorded.
 * @param db - the database
 * @param dir - the folder of numbered `.sql` files
 * @returns the versions applied now (empty when up to date)
 * @example const applied = await migrate(db, migrationsDir())
 */
export async function migrate(db: Database, dir: string = migrationsDir()): Promise<number[]> {
  const files = (await readdir(dir))
    .map((name) => ({ name, match: migrationFile.exec(name) }))
    .filter((entry) => entry.match !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
  // Under the lock too: two servers running CREATE TABLE IF NOT EXISTS at once can both try to
  // create it, and one fails on a duplicate pg_type row.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLockId]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  const applied: number[] = [];
  for (const { name, match } of files) {
    const version = Number(match?.[1]);
    const sql = await readFile(path.join(dir, name), 'utf8');
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLockId]);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version]);
      if (seen.rows.length > 0) return false;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        version,
        match?.[2],
      ]);
      return true;
    });
    if (done) applied.push(version);
  }
  return applied;
}

/**
 * The migrations of a folder that the database has not recorded as applied.
 * @param db - the database
 * @param dir - the folder of numbered `.sql` files
 * @returns their names without `.sql` (`005_webhook_queue`), in order; empty when up to date
 * @throws whatever the database throws (it does not answer)
 * @example await missingMigrations(db) // []
 */
export async function missingMigrations(
  db: Database,
  dir: string = migrationsDir(),
): Promise<string[]> {
  const names = await (migrationNames.get(dir) ??
    (migrationNames
      .set(
        dir,
        readdir(dir).then((entries) => entries.filter((name) => migrationFile.test(name)).sort()),
      )
      .get(dir) as Promise<string[]>));
  const table = await db.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  const applied =
    table.rows[0]?.present === true
      ? new Set(
          (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
            (row) => row.version,
          ),
        )
      : new Set<number>();
  return names
    .filter((name) => !applied.has(Number(migrationFile.exec(name)?.[1])))
    .map((name) => name.replace(/\.sql$/, ''));
}

/** The migration files of each folder read so far (they do not change while running). */
const migrationNames = new Map<string, Promise<string[]>>();

/** Splits a migration file on the semicolons that end statements (no procedural bodies). */
function splitStatements(sql: string): string[] {
  return sql
    .replace(/--.*$/gm, '')
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}
