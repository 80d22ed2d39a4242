/**
 * Content hashing of files and streams, streamed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/**
 * The SHA-256 and size of a file.
 * @param filePath - the file
 * @returns hexadecimal digest and byte count
 * @example const { sha256, bytes } = await hashFile('events.csv')
 */
export async function hashFile(filePath: string): Promise<{ sha256: string; bytes: number }> {
  return hashStream(createReadStream(filePath, { highWaterMark: 4 * 1024 * 1024 }));
}

/**
 * The SHA-256 and size of a stream's bytes (an object read from a bucket, for instance).
 * @param stream - the bytes
 * @returns hexadecimal digest and byte count
 * @throws the stream's error (a missing object, say)
 * @example const { sha256 } = await hashStream(blobs.readStream('raw', key))
 */
export async function hashStream(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
