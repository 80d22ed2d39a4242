/**
 * The BlobStore contract: what the local-folder store and the Cloud Storage store must do the
 * same way. Run by `local-blob-store.test.ts` and `gcs-blob-store.test.ts`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../../shared/adapters/blob-store/blob-store.ts';

/** One store opened for one test, with a bucket no other test uses. */
export interface BlobStoreUnderTest {
  readonly store: BlobStore;
  readonly bucket: string;
  /** Removes what the test left (folders, cached downloads). */
  dispose(): Promise<void>;
}

/** Contents of every size and kind a stage writes: text, binary, empty. */
const contents: ReadonlyArray<readonly [label: string, data: Buffer | string]> = [
  ['a CSV string', 'user_id,variant\nu1,control\nu2,"treat, ment"\n'],
  ['a unicode string', 'Zürich → 東京 🚀'],
  ['every byte value', Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256))],
  ['an empty object', Buffer.alloc(0)],
  ['a 1 MiB object', Buffer.alloc(1024 * 1024, 'abtest-')],
];

/** Keys that would leave the bucket or are ambiguous; every operation refuses them. */
const unsafeKeys = [
  '../x',
  'a//b',
  '/abs',
  'a/../b',
  'a/./b',
  'trailing/',
  '',
  'back\\slash',
  'sp ace',
];

/** Operations taking a bucket and a key, each given an unsafe location. */
const keyedOperations: ReadonlyArray<
  readonly [name: string, run: (store: BlobStore, bucket: string, key: string) => Promise<unknown>]
> = [
  ['write', (store, bucket, key) => store.write(bucket, key, 'x')],
  ['read', (store, bucket, key) => store.read(bucket, key)],
  ['exists', (store, bucket, key) => store.exists(bucket, key)],
  ['localFile', (store, bucket, key) => store.localFile(bucket, key)],
  ['readStream', async (store, bucket, key) => store.readStream(bucket, key)],
];

async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const asBuffer = (data: Buffer | string) => (typeof data === 'string' ? Buffer.from(data) : data);

/**
 * Declares the contract suite for one implementation.
 * @param name - shown in the test names
 * @param open - opens a store and a fresh bucket for one test
 * @example describeBlobStoreContract('local folder', openLocal)
 */
export function describeBlobStoreContract(
  name: string,
  open: () => Promise<BlobStoreUnderTest>,
): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let bucket: string;
    let subject: BlobStoreUnderTest;
    const tempDirs: string[] = [];
    const localSource = async (data: Buffer | string) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-upload-'));
      tempDirs.push(dir);
      const file = path.join(dir, 'source.csv');
      await writeFile(file, data);
      return file;
    };

    beforeEach(async () => {
      subject = await open();
      ({ store, bucket } = subject);
    });
    afterEach(async () => {
      await subject.dispose();
      await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    });

    it.each(contents)('writes and reads back %s', async (_label, data) => {
      expect(await store.write(bucket, 'batches/b_1/source.csv', data)).toBe(true);
      expect(await store.read(bucket, 'batches/b_1/source.csv')).toEqual(asBuffer(data));
    });

    it('replaces an object on a plain write', async () => {
      await store.write(bucket, 'k.json', '{"v":1}', { contentType: 'application/json' });
      expect(await store.write(bucket, 'k.json', '{"v":2}')).toBe(true);
      expect((await store.read(bucket, 'k.json')).toString()).toBe('{"v":2}');
    });

    it('refuses an ifAbsent write over an existing object and keeps the first content', async () => {
      expect(await store.write(bucket, 'raw/a.csv', 'first', { ifAbsent: true })).toBe(true);
      expect(await store.write(bucket, 'raw/a.csv', 'second', { ifAbsent: true })).toBe(false);
      expect((await store.read(bucket, 'raw/a.csv')).toString()).toBe('first');
    });

    it('lets exactly one of several concurrent ifAbsent writes win', async () => {
      const attempts = ['w0', 'w1', 'w2', 'w3', 'w4'];
      const results = await Promise.all(
        attempts.map((data) => store.write(bucket, 'race.csv', data, { ifAbsent: true })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = attempts[results.indexOf(true)];
      expect((await store.read(bucket, 'race.csv')).toString()).toBe(winner);
    });

    it('uploads a local file', async () => {
      const source = await localSource('event_id,user_id\ne1,u1\n');
      expect(await store.upload(source, bucket, 'uploads/events.csv')).toBe(true);
      expect((await store.read(bucket, 'uploads/events.csv')).toString()).toBe(
        'event_id,user_id\ne1,u1\n',
      );
      expect(await readFile(source, 'utf8')).toBe('event_id,user_id\ne1,u1\n');
    });

    it('refuses an ifAbsent upload over an existing object and keeps the first content', async () => {
      await store.write(bucket, 'uploads/events.csv', 'first');
      const source = await localSource('second');
      expect(await store.upload(source, bucket, 'uploads/events.csv', { ifAbsent: true })).toBe(
        false,
      );
      expect((await store.read(bucket, 'uploads/events.csv')).toString()).toBe('first');
    });

    it('fails an upload of a missing local file and creates no object', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-upload-'));
      tempDirs.push(dir);
      await expect(store.upload(path.join(dir, 'missing.csv'), bucket, 'u.csv')).rejects.toThrow();
      expect(await store.exists(bucket, 'u.csv')).toBe(false);
      expect(await store.list(bucket, '')).toEqual([]);
    });

    it.each([
      ['a written object', 'events/experiment_id=e1/batch_id=b1.parquet', true],
      ['a missing object', 'events/experiment_id=e1/batch_id=b2.parquet', false],
      ['a folder-like prefix of an object', 'events/experiment_id=e1', false],
    ])('says whether %s exists', async (_label, key, expected) => {
      await store.write(bucket, 'events/experiment_id=e1/batch_id=b1.parquet', 'x');
      expect(await store.exists(bucket, key)).toBe(expected);
    });

    it.each([
      ['a folder prefix', 'b/', ['b/1/x', 'b/10', 'b/2']],
      ['a partial name', 'b/1', ['b/1/x', 'b/10']],
      ['a prefix without a slash', 'b', ['b/1/x', 'b/10', 'b/2', 'b2/z']],
      ['the empty prefix', '', ['a/1', 'b/1/x', 'b/10', 'b/2', 'b2/z']],
      ['a prefix matching nothing', 'c/', []],
    ])('lists keys under %s, sorted', async (_label, prefix, expected) => {
      for (const key of ['b/2', 'b2/z', 'b/10', 'a/1', 'b/1/x'])
        await store.write(bucket, key, key);
      expect(await store.list(bucket, prefix)).toEqual(expected);
    });

    it('streams an object', async () => {
      const data = Buffer.alloc(300 * 1024, 'stream-');
      await store.write(bucket, 'big.bin', data);
      expect(await streamToBuffer(store.readStream(bucket, 'big.bin'))).toEqual(data);
    });

    it.each([
      ['read', (s: BlobStore, b: string) => s.read(b, 'missing.csv')],
      ['readStream', (s: BlobStore, b: string) => streamToBuffer(s.readStream(b, 'missing.csv'))],
    ])('rejects %s of a missing object', async (_label, run) => {
      await expect(run(store, bucket)).rejects.toThrow();
    });

    it('gives a readable local file holding the object', async () => {
      await store.write(bucket, 'curated/b1.parquet', Buffer.from([1, 2, 3, 250]));
      const file = await store.localFile(bucket, 'curated/b1.parquet');
      expect(path.isAbsolute(file) || file.startsWith('.')).toBe(true);
      expect(await readFile(file)).toEqual(Buffer.from([1, 2, 3, 250]));
    });

    it('gives a local file with the current content after a replace', async () => {
      await store.write(bucket, 'k.txt', 'old');
      await store.localFile(bucket, 'k.txt');
      await store.write(bucket, 'k.txt', 'new');
      expect(await readFile(await store.localFile(bucket, 'k.txt'), 'utf8')).toBe('new');
    });

    describe('unsafe locations', () => {
      for (const [operation, run] of keyedOperations) {
        it.each(unsafeKeys)(`refuses ${operation} of key %j`, async (key) => {
          await expect(run(store, bucket, key)).rejects.toThrow(/unsafe object key/);
        });
      }

      it.each(unsafeKeys)('refuses upload to key %j', async (key) => {
        const source = await localSource('x');
        await expect(store.upload(source, bucket, key)).rejects.toThrow(/unsafe object key/);
      });

      it.each(['..', '.hidden', 'a/b', '', 'sp ace'])('refuses bucket %j', async (badBucket) => {
        await expect(store.write(badBucket, 'k', 'x')).rejects.toThrow(/unsafe bucket name/);
        await expect(store.list(badBucket, '')).rejects.toThrow(/unsafe bucket name/);
      });

      it.each(['../', 'a//', '../x'])('refuses listing under prefix %j', async (prefix) => {
        await expect(store.list(bucket, prefix)).rejects.toThrow(/unsafe object key/);
      });

      it('wrote nothing while refusing', async () => {
        await Promise.allSettled(unsafeKeys.map((key) => store.write(bucket, key, 'x')));
        expect(await store.list(bucket, '')).toEqual([]);
      });
    });
  });
}
