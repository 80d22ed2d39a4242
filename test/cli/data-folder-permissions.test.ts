/**
 * What abtest leaves on disk is its user's alone: `abtest run` creates the data folder 0700 and
 * every file in it 0600 (folders 0700), PGlite's files included; the PGlite template is kept in
 * the user's own cache folder (ABTEST_CACHE_DIR here), made with the same care, and one that is
 * not the user's (another owner, writable by others, a symbolic link) is refused, not loaded.
 */
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteDatabase } from '../../shared/adapters/database/pglite-database.ts';
import { runAbtest } from '../support/abtest-cli.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-permissions-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every path under a folder (the folder included) whose mode lets anyone else in. */
async function openToOthers(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (entry: string) => {
    const info = await lstat(entry);
    if (info.isSymbolicLink()) return;
    if ((info.mode & 0o077) !== 0) found.push(`${entry} ${(info.mode & 0o777).toString(8)}`);
    if (info.isDirectory()) {
      for (const name of await readdir(entry)) await visit(path.join(entry, name));
    }
  };
  await visit(root);
  return found;
}

const mode = async (file: string) => ((await stat(file)).mode & 0o777).toString(8);

describe('abtest run', () => {
  it('keeps the data folder and everything in it to its user (0700 folders, 0600 files)', async () => {
    const dataDir = path.join(dir, 'data');
    const cacheDir = path.join(dir, 'cache-run');
    const outcome = await runAbtest(
      ['run', 'datasets/events-sample.csv', '--json', '--data-dir', dataDir],
      { env: { ABTEST_CACHE_DIR: cacheDir } },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(await mode(dataDir)).toBe('700');
    expect(await mode(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe('600');
    expect(await openToOthers(dataDir)).toEqual([]);
    expect(await mode(cacheDir)).toBe('700');
    const templates = (await readdir(cacheDir)).filter((name) => name.endsWith('.tar'));
    expect(templates).toHaveLength(1);
    expect(await mode(path.join(cacheDir, templates[0] ?? ''))).toBe('600');
  });
});

describe('the PGlite template', () => {
  /** A cache folder holding a template made by a first database. */
  async function madeTemplate(name: string): Promise<{ cacheDir: string; template: string }> {
    const cacheDir = path.join(dir, name);
    const db = await openPgliteDatabase('memory://', undefined, { templateDir: cacheDir });
    await db.close();
    const [template] = (await readdir(cacheDir)).filter((entry) => entry.endsWith('.tar'));
    if (template === undefined) throw new Error('no template was made');
    return { cacheDir, template: path.join(cacheDir, template) };
  }

  it('is loaded again when it is its user’s own', async () => {
    const { cacheDir } = await madeTemplate('cache-own');
    const db = await openPgliteDatabase('memory://', undefined, { templateDir: cacheDir });
    const applied = await db.query('SELECT version FROM schema_migrations');
    expect(applied.rows.length).toBeGreaterThan(0);
    await db.close();
  });

  it('is refused when another user owns it', async () => {
    const { cacheDir, template } = await madeTemplate('cache-other-owner');
    await chown(template, 65534, 65534);
    await expect(
      openPgliteDatabase('memory://', undefined, { templateDir: cacheDir }),
    ).rejects.toThrow(/not owned by you.*remove it/);
  });

  it('is refused when others may write to it or to its folder', async () => {
    const { cacheDir, template } = await madeTemplate('cache-writable');
    await chmod(template, 0o666);
    await expect(
      openPgliteDatabase('memory://', undefined, { templateDir: cacheDir }),
    ).rejects.toThrow(/writable by others/);
    await chmod(template, 0o600);
    await chmod(cacheDir, 0o777);
    await expect(
      openPgliteDatabase('memory://', undefined, { templateDir: cacheDir }),
    ).rejects.toThrow(/writable by others/);
  });

  it('is refused when it is a symbolic link', async () => {
    const { cacheDir, template } = await madeTemplate('cache-link');
    const elsewhere = path.join(dir, 'elsewhere');
    await mkdir(elsewhere);
    const target = path.join(elsewhere, 'planted.tar');
    await rm(template);
    await symlink(target, template);
    await expect(
      openPgliteDatabase('memory://', undefined, { templateDir: cacheDir }),
    ).rejects.toThrow(/not a regular file/);
  });
});
