/**
 * Streams an upload to a temporary file while hashing and counting it, so a large body is never
 * held in memory and the batch id (a content hash) is known once the last byte arrives.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '../errors/errors.ts';

/** A body written to disk. */
export interface SpooledBody {
  readonly filePath: string;
  readonly sha256: string;
  readonly bytes: number;
  /** Removes the temporary file. */
  discard(): Promise<void>;
}

/**
 * Writes a stream to a temporary file.
 * @param body - the bytes
 * @param maxBytes - the most accepted; more is a 413
 * @param name - the temporary file's name (its extension helps readers)
 * @returns the file, its SHA-256 and size
 * @throws {ValidationError} (413) past `maxBytes`
 * @example const spooled = await spoolBody(req, 1e9, 'upload.csv')
 */
export async function spoolBody(
  body: Readable,
  maxBytes: number,
  name: string,
): Promise<SpooledBody> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-upload-'));
  const filePath = path.join(dir, name);
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        done(new ValidationError(`the upload is larger than the limit of ${maxBytes} bytes`, 413));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const discard = () => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(body, meter, createWriteStream(filePath));
  } catch (error) {
    await discard();
    throw error;
  }
  return { filePath, sha256: hash.digest('hex'), bytes, discard };
}
