/**
 * Receives an upload's body whole while hashing and counting it, so the batch id (a content
 * hash) is known once the last byte arrives. A body of up to 8 MiB is kept in memory, the
 * usual upload, so accepting it costs no file of its own; a larger one is streamed to a
 * temporary file and never held in memory.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ValidationError } from '../errors/errors.ts';

/** Bodies up to this size are held in memory. */
export const inMemoryBodyBytes = 8 * 1024 * 1024;

/** A body received whole. */
export interface ReceivedBody {
  /** The bytes when held in memory, else the temporary file holding them. */
  readonly content: Buffer | string;
  readonly sha256: string;
  readonly bytes: number;
  /** Removes the temporary file, if there is one. */
  discard(): Promise<void>;
}

/**
 * Reads a stream to its end, into memory or, past {@link inMemoryBodyBytes}, into a file.
 * @param body - the bytes
 * @param maxBytes - the most accepted; more is a 413
 * @param name - the temporary file's name (its extension helps readers)
 * @param memoryBytes - the most held in memory
 * @returns the bytes or their file, their SHA-256 and size
 * @throws {ValidationError} (413) past `maxBytes`
 * @example const body = await receiveBody(req, 1e9, 'upload.csv')
 */
export async function receiveBody(
  body: Readable,
  maxBytes: number,
  name: string,
  memoryBytes = inMemoryBodyBytes,
): Promise<ReceivedBody> {
  const hash = createHash('sha256');
  const held: Buffer[] = [];
  let bytes = 0;
  let spill: { readonly dir: string; readonly file: string; readonly out: WriteStream } | undefined;
  const discard = async () => {
    if (spill === undefined) return;
    spill.out.destroy();
    await rm(spill.dir, { recursive: true, force: true });
  };
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        throw new ValidationError(`the upload is larger than the limit of ${maxBytes} bytes`, 413);
      }
      hash.update(chunk);
      if (spill === undefined && bytes <= memoryBytes) {
        held.push(chunk);
        continue;
      }
      if (spill === undefined) {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-upload-'));
        const file = path.join(dir, name);
        spill = { dir, file, out: createWriteStream(file) };
        // An error is also seen by `once` below or by `finished`; this keeps it from crashing.
        spill.out.on('error', () => undefined);
        for (const earlier of held.splice(0)) spill.out.write(earlier);
      }
      if (spill.out.errored !== null) throw spill.out.errored;
      if (!spill.out.write(chunk)) await once(spill.out, 'drain');
    }
    if (spill !== undefined) {
      spill.out.end();
      await finished(spill.out);
    }
  } catch (error) {
    await discard();
    throw error;
  }
  return {
    content: spill?.file ?? Buffer.concat(held, bytes),
    sha256: hash.digest('hex'),
    bytes,
    discard,
  };
}
