/**
 * Files only their user may have written: a folder created 0700, a file written 0600 to a
 * temporary name and renamed in, and a file read only when it is a regular file (never through
 * a symbolic link) owned by the user and writable by no one else. The checks are made on the
 * open file itself, so nothing can be swapped in between the check and the read. Where the
 * platform has no user ids (Windows) there is nothing to compare and no check is made.
 */
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Stats } from 'node:fs';

/**
 * Makes sure a folder exists and is the user's own: created 0700 when absent (parents too);
 * an existing one must be a real folder owned by the user and writable by no one else.
 * @param dir - the folder
 * @param what - how messages name it
 * @throws {Error} naming the folder and what is wrong with it
 * @example await privateFolder('/home/me/.cache/abtest', 'the PGlite template folder')
 */
export async function privateFolder(dir: string, what: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new Error(`${what} ${dir} is not a folder (a symbolic link?)`);
  checkOwnership(info, dir, what, 'chmod go-w it');
}

/**
 * Reads a file that must be the user's own.
 * @param file - the file
 * @param what - how messages name it
 * @returns its bytes, or undefined when it does not exist
 * @throws {Error} when it is not a regular file, not the user's, or writable by others
 * @example const bytes = await readPrivateFile('/home/me/.cache/abtest/t.tar', 'the template')
 */
export async function readPrivateFile(
  file: string,
  what: string,
): Promise<Buffer<ArrayBuffer> | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP')
      throw new Error(`${what} ${file} is not a regular file (a symbolic link)`);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`${what} ${file} is not a regular file`);
    checkOwnership(info, file, what, 'remove it and abtest makes a new one');
    return (await handle.readFile()) as Buffer<ArrayBuffer>;
  } finally {
    await handle.close();
  }
}

/**
 * Writes a file 0600, whole: to a temporary name beside it, then renamed over it.
 * @param file - the file
 * @param data - its bytes
 * @example await writePrivateFile('/home/me/.cache/abtest/t.tar', bytes)
 */
export async function writePrivateFile(file: string, data: Buffer): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, data, { mode: 0o600, flag: 'wx' });
    // The mode given at creation is narrowed by the umask, never widened: make it exact.
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Takes every permission of group and others off a folder and everything in it that the user
 * owns (symbolic links are not followed). For trees written by code that sets modes itself
 * (PGlite restores a database with the modes of its archive, 0666), where the umask is not
 * enough; and for folders made by an earlier version of abtest.
 * @param dir - the folder
 * @returns how many entries were narrowed
 * @example await restrictTree('.abtest/pg')
 */
export async function restrictTree(dir: string): Promise<number> {
  const uid = process.getuid?.();
  let narrowed = 0;
  const visit = async (entry: string): Promise<void> => {
    const info = await lstat(entry);
    if (info.isSymbolicLink()) return;
    if ((info.mode & 0o077) !== 0 && (uid === undefined || info.uid === uid)) {
      await chmod(entry, info.mode & 0o700);
      narrowed += 1;
    }
    if (info.isDirectory()) {
      for (const name of await readdir(entry)) await visit(path.join(entry, name));
    }
  };
  await visit(dir);
  return narrowed;
}

function checkOwnership(info: Stats, where: string, what: string, remedy: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  if (info.uid !== uid) {
    throw new Error(
      `${what} ${where} is not owned by you (its owner is uid ${info.uid}, you are uid ${uid}): ${remedy}`,
    );
  }
  if ((info.mode & 0o022) !== 0) {
    throw new Error(
      `${what} ${where} is writable by others (mode ${(info.mode & 0o777).toString(8)}): ${remedy}`,
    );
  }
}
