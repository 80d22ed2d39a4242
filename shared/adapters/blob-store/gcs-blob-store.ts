/**
 * The BlobStore on Cloud Storage (`@google-cloud/storage`). A thin wrapper: atomicity comes from
 * Cloud Storage itself (an object appears whole), `ifAbsent` from the `ifGenerationMatch: 0`
 * precondition (https://cloud.google.com/storage/docs/request-preconditions).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Storage, type StorageOptions } from '@google-cloud/storage';
import type { BlobStore } from './blob-store.ts';
import { assertSafeLocation } from './blob-store.ts';

const preconditionFailed = 412;

/**
 * Creates a BlobStore over Cloud Storage. The client is created once, lazily.
 * @param options - client options (`apiEndpoint` points it at a test double of the JSON API)
 * @returns the store
 * @example const blobs = gcsBlobStore({ projectId: 'my-project' })
 */
export function gcsBlobStore(options: StorageOptions = {}): BlobStore {
  let client: Storage | undefined;
  const file = (bucket: string, key: string) => {
    assertSafeLocation(bucket, key);
    client ??= new Storage(options);
    return client.bucket(bucket).file(key);
  };
  /**
   * Sends an object with the `ifAbsent` precondition when asked; a refused precondition means
   * the object already exists and answers false.
   */
  const send = async (
    writeOptions: { contentType?: string; ifAbsent?: boolean },
    put: (options: {
      resumable: false;
      contentType?: string;
      preconditionOpts?: { ifGenerationMatch: number };
    }) => Promise<unknown>,
  ): Promise<boolean> => {
    try {
      await put({
        resumable: false,
        contentType: writeOptions.contentType,
        ...(writeOptions.ifAbsent === true ? { preconditionOpts: { ifGenerationMatch: 0 } } : {}),
      });
      return true;
    } catch (error) {
      const refusedAsExisting = (error as { code?: number }).code === preconditionFailed;
      if (writeOptions.ifAbsent === true && refusedAsExisting) return false;
      throw error;
    }
  };
  const cacheDir = path.join(os.tmpdir(), 'abtest-gcs-cache');

  return {
    async write(bucket, key, data, writeOptions = {}) {
      const target = file(bucket, key);
      return send(writeOptions, (sendOptions) => target.save(data, sendOptions));
    },
    async upload(localPath, bucket, key, writeOptions = {}) {
      assertSafeLocation(bucket, key);
      client ??= new Storage(options);
      const target = client.bucket(bucket);
      return send(writeOptions, (sendOptions) =>
        target.upload(localPath, { destination: key, ...sendOptions }),
      );
    },
    async read(bucket, key) {
      const [contents] = await file(bucket, key).download();
      return contents;
    },
    readStream: (bucket, key) => file(bucket, key).createReadStream(),
    async exists(bucket, key) {
      const [found] = await file(bucket, key).exists();
      return found;
    },
    async list(bucket, prefix) {
      assertSafeLocation(bucket, prefix === '' ? 'x' : prefix.replace(/\/$/, ''));
      client ??= new Storage(options);
      const [files] = await client.bucket(bucket).getFiles({ prefix });
      return files.map((entry) => entry.name).sort();
    },
    async localFile(bucket, key) {
      const object = file(bucket, key); // checks the key before it becomes a path
      const destination = path.join(cacheDir, bucket, ...key.split('/'));
      await mkdir(path.dirname(destination), { recursive: true });
      // Downloaded beside it, then renamed: a reader of an earlier copy never sees half a file.
      const temporary = `${destination}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
      try {
        await object.download({ destination: temporary });
        await rename(temporary, destination);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return destination;
    },
    async signedUrl(bucket, key, ttlSeconds) {
      const [url] = await file(bucket, key).getSignedUrl({
        version: 'v4',
        action: 'read',
        expires: Date.now() + ttlSeconds * 1000,
      });
      return url;
    },
    async signedUploadUrl(bucket, key, contentType, ttlSeconds) {
      // V4, signed for a PUT with this Content-Type: the client must send the same header.
      const [url] = await file(bucket, key).getSignedUrl({
        version: 'v4',
        action: 'write',
        contentType,
        expires: Date.now() + ttlSeconds * 1000,
      });
      return url;
    },
    uri: (bucket, key) => `gs://${bucket}/${key}`,
  };
}
