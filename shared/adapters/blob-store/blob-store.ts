/**
 * The BlobStore port: Cloud Storage on GCP, a local folder on a laptop. Objects are addressed
 * by bucket and key, as `gs://bucket/key`; locally that is `<data-dir>/buckets/bucket/key`.
 */
import type { Readable } from 'node:stream';

/** Options of a write. */
export interface WriteOptions {
  readonly contentType?: string;
  /** Write only when no object exists yet (GCS `ifGenerationMatch: 0`); raw objects use it. */
  readonly ifAbsent?: boolean;
}

/** Object storage with atomic writes. */
export interface BlobStore {
  /**
   * Writes an object whole and atomically (readers see the old object or the new one).
   * @returns false when `ifAbsent` was asked and the object already existed (nothing written)
   */
  write(
    bucket: string,
    key: string,
    data: Buffer | string,
    options?: WriteOptions,
  ): Promise<boolean>;
  /** Uploads a local file as an object, atomically; same `ifAbsent` rule as {@link write}. */
  upload(localPath: string, bucket: string, key: string, options?: WriteOptions): Promise<boolean>;
  read(bucket: string, key: string): Promise<Buffer>;
  readStream(bucket: string, key: string): Readable;
  exists(bucket: string, key: string): Promise<boolean>;
  /** Keys under a prefix, sorted. */
  list(bucket: string, prefix: string): Promise<string[]>;
  /**
   * A local file holding the object, for readers that need a path (polars scans). Locally the
   * object's own file; on Cloud Storage a downloaded copy in the temporary folder.
   */
  localFile(bucket: string, key: string): Promise<string>;
  /** A time-limited download URL, or null when the store has none (local folders). */
  signedUrl(bucket: string, key: string, ttlSeconds: number): Promise<string | null>;
  /**
   * A time-limited URL a client PUTs an object's bytes to (with this `Content-Type`), or null
   * when the store has none (local folders: `abtest serve` hands out its own one-time URL).
   */
  signedUploadUrl(
    bucket: string,
    key: string,
    contentType: string,
    ttlSeconds: number,
  ): Promise<string | null>;
  /** Where the object is, for documents: `gs://bucket/key`, or the local file's path. */
  uri(bucket: string, key: string): string;
}

const safeSegment = /^[A-Za-z0-9=._-]+$/;

/**
 * Checks a bucket name and key: relative, no `..`, no empty segments, nothing but letters,
 * digits and `=._-` in each segment. Keeps every write inside its bucket.
 * @param bucket - the bucket name
 * @param key - the object key
 * @throws {Error} naming the bad part
 * @example assertSafeLocation('raw', 'batches/b_1/source.csv')
 */
export function assertSafeLocation(bucket: string, key: string): void {
  if (!safeSegment.test(bucket) || bucket.startsWith('.')) {
    throw new Error(`unsafe bucket name: ${JSON.stringify(bucket)}`);
  }
  const segments = key.split('/');
  for (const segment of segments) {
    if (!safeSegment.test(segment) || segment === '.' || segment === '..') {
      throw new Error(`unsafe object key: ${JSON.stringify(key)}`);
    }
  }
}
