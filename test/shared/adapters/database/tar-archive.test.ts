import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractTar, tarMembers } from '../../../../shared/adapters/database/tar-archive.ts';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'abtest-tar-'));
  folders.push(folder);
  return folder;
}

/** An archive of one empty member's header, of a given name and type. */
function oneHeader(name: string, type: string): Buffer {
  const header = Buffer.alloc(1024);
  header.write(name, 0);
  header.write('0000000', 124);
  header.write(type, 156);
  return header;
}

describe('extractTar', () => {
  it('unpacks the files and folders a ustar archive holds, private to the user', async () => {
    const source = await scratch();
    await mkdir(path.join(source, 'base', '1'), { recursive: true });
    await mkdir(path.join(source, 'pg_tblspc'));
    await writeFile(path.join(source, 'PG_VERSION'), '17\n');
    await writeFile(path.join(source, 'base', '1', '112'), Buffer.alloc(8192 + 3, 7));
    const archive = execFileSync('tar', ['--format=ustar', '-cf', '-', '-C', source, '.']);
    const target = path.join(await scratch(), 'pg');

    await extractTar(archive, target);

    expect(await readFile(path.join(target, 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(await readFile(path.join(target, 'base', '1', '112'))).toEqual(Buffer.alloc(8195, 7));
    expect((await stat(path.join(target, 'pg_tblspc'))).isDirectory()).toBe(true);
    expect((await stat(path.join(target, 'base', '1', '112'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(target, 'base'))).mode & 0o777).toBe(0o700);
  });

  it('refuses a member whose path leaves the archive', () => {
    expect(() => tarMembers(oneHeader('../escape', '0'))).toThrow(
      'archive member "../escape" is outside the archive',
    );
  });

  it('refuses a member that is neither a file nor a folder', () => {
    expect(() => tarMembers(oneHeader('link', '2'))).toThrow(
      'archive member "link" is of type "2"',
    );
  });
});
