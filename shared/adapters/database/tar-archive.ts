/**
 * Unpacks a ustar archive of plain files and folders (what PGlite's `dumpDataDir('none')`
 * writes) into a folder, without starting PGlite: a new database is unpacked from its template
 * and opened once, instead of being loaded by a first PGlite instance, closed and reopened.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const block = 512;

/** One member of an archive. */
export interface TarMember {
  /** The path inside the archive, without a leading slash. */
  readonly name: string;
  readonly kind: 'file' | 'folder';
  /** The file's bytes (empty for a folder). */
  readonly bytes: Buffer;
}

/** A NUL-terminated text field of a header. */
function field(header: Buffer, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return bytes.toString('utf8', 0, end < 0 ? length : end);
}

/**
 * The members of a ustar archive, in order.
 * @param archive - the archive's bytes
 * @returns its files and folders
 * @throws {Error} for a member that is neither a file nor a folder, or a path leaving the archive
 * @example tarMembers(await readFile('template.tar')).length
 */
export function tarMembers(archive: Buffer): TarMember[] {
  const members: TarMember[] = [];
  let at = 0;
  while (at + block <= archive.length) {
    const header = archive.subarray(at, at + block);
    if (header.every((byte) => byte === 0)) break;
    const prefix = field(header, 345, 155);
    const name = path.posix
      .normalize(`${prefix === '' ? '' : `${prefix}/`}${field(header, 0, 100)}`)
      .replace(/^\/+/, '')
      .replace(/\/+$/, '');
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = field(header, 156, 1);
    if (name === '..' || name.startsWith('../') || (name === '.' && type !== '5')) {
      throw new Error(`archive member "${name}" is outside the archive`);
    }
    if (type !== '0' && type !== '' && type !== '5') {
      throw new Error(`archive member "${name}" is of type "${type}", not a file or folder`);
    }
    const start = at + block;
    // The archive's own root folder (`./`) is the folder it is unpacked into.
    if (name !== '.') {
      members.push({
        name,
        kind: type === '5' ? 'folder' : 'file',
        bytes: archive.subarray(start, start + size),
      });
    }
    at = start + Math.ceil(size / block) * block;
  }
  return members;
}

/**
 * Unpacks an archive into a folder (created when absent), folders 0700 and files 0600.
 * @param archive - the archive's bytes
 * @param dir - where to unpack it
 * @example await extractTar(template, '/data/pg.partial')
 */
export async function extractTar(archive: Buffer, dir: string): Promise<void> {
  const members = tarMembers(archive);
  const folders = new Set(
    members.map((member) =>
      member.kind === 'folder' ? member.name : path.posix.dirname(member.name),
    ),
  );
  for (const folder of [dir, ...[...folders].sort().map((name) => path.join(dir, name))]) {
    await mkdir(folder, { recursive: true, mode: 0o700 });
  }
  // Files in parallel batches: creating a thousand small files is waiting on the disk.
  const files = members.filter((member) => member.kind === 'file');
  const parallel = 16;
  for (let i = 0; i < files.length; i += parallel) {
    await Promise.all(
      files
        .slice(i, i + parallel)
        .map((member) => writeFile(path.join(dir, member.name), member.bytes, { mode: 0o600 })),
    );
  }
}
