/**
 * The BlobStore on a local folder: `gs://bucket/key` is `<root>/bucket/key`. Writes go to a
 * temporary file in the same folder, then a rename, so a crash never leaves half an object.
 * Objects are the user's alone: folders 0700, files 0600 (a copied file does not keep its
 * source's mode).
 */
import { createReadStream } from 'node:fs';
import {
  chmod,
  copyFile,
  link,
  mkdir,
  readFile,
  readdir,
  rename,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { TransientError } from '../../errors/errors.ts';
import type { BlobStore, WriteOptions } from './blob-store.ts';
import { assertSafeLocation } from './blob-store.ts';

/**
 * Creates a BlobStore rooted at a folder.
 * @param root - the folder holding one sub-folder per bucket (`<data-dir>/buckets`)
 * @returns the store
 * @example const blobs = localBlobStore('.abtest/buckets')
 */
export function localBlobStore(root: string): BlobStore {
  const fileOf = (bucket: string, key: string) => {
    assertSafeLocation(bucket, key);
    return path.join(root, bucket, ...key.split('/'));
  };
  const temporaryBeside = (target: string) =>
    `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;

  /**
   * Writes a temporary file; when writing fails, removes what was written. A full disk (or
   * quota) is a TransientError (HTTP 507): nothing was stored, and it is worth trying again
   * once there is room. The message names the object, not the local path.
   */
  const unlessFailed = async (
    temporary: string,
    location: { readonly bucket: string; readonly key: string },
    work: () => Promise<void>,
  ) => {
    try {
      await work();
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw new TransientError(
          `no space left on the blob store to write ${location.bucket}/${location.key}: nothing was stored; free space and send it again`,
          { cause: error, httpStatus: 507 },
        );
      }
      throw error;
    }
  };

  /** Moves a finished temporary file into place; with ifAbsent, a hard link that fails on EEXIST. */
  const publish = async (temporary: string, target: string, options: WriteOptions) => {
    try {
      if (options.ifAbsent === true) {
        await link(temporary, target);
        await unlink(temporary);
      } else {
        await rename(temporary, target);
      }
      return true;
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  };

  const exists = async (bucket: string, key: string) => {
    const file = fileOf(bucket, key);
    try {
      return (await stat(file)).isFile();
    } catch {
      return false;
    }
  };

  return {
    async write(bucket, key, data, options = {}) {
      // No look before writing: the data is in memory, and `publish` refuses an existing object.
      const target = fileOf(bucket, key);
      const temporary = temporaryBeside(target);
      await unlessFailed(temporary, { bucket, key }, async () => {
        await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
        await writeFile(temporary, data, { mode: 0o600 });
      });
      return publish(temporary, target, options);
    },
    async upload(localPath, bucket, key, options = {}) {
      const target = fileOf(bucket, key);
      if (options.ifAbsent === true && (await exists(bucket, key))) return false;
      const temporary = temporaryBeside(target);
      await unlessFailed(temporary, { bucket, key }, async () => {
        await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
        await copyFile(localPath, temporary);
        await chmod(temporary, 0o600);
      });
      return publish(temporary, target, options);
    },
    read: async (bucket, key) => readFile(fileOf(bucket, key)),
    readStream: (bucket, key) => createReadStream(fileOf(bucket, key)),
    exists,
    async list(bucket, prefix) {
      assertSafeLocation(bucket, prefix === '' ? 'x' : prefix.replace(/\/$/, ''));
      const base = path.join(root, bucket);
      const keys: string[] = [];
      const walk = async (dir: string, relative: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries) {
          const key = relative === '' ? entry.name : `${relative}/${entry.name}`;
          if (entry.isDirectory()) await walk(path.join(dir, entry.name), key);
          else if (entry.isFile() && !entry.name.includes('.tmp-') && key.startsWith(prefix)) {
            keys.push(key);
          }
        }
      };
      const prefixDir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      await walk(path.join(base, ...prefixDir.split('/').filter(Boolean)), prefixDir);
      return keys.sort();
    },
    localFile: async (bucket, key) => fileOf(bucket, key),
    signedUrl: async () => null,
    signedUploadUrl: async () => null,
    uri: (bucket, key) => fileOf(bucket, key),
  };
}
