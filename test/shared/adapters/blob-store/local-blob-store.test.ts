/**
 * The local-folder BlobStore: the shared contract, plus what only a folder can show, that
 * writes are atomic (a temporary file beside the target, then a rename or link) and leave no
 * temporary file behind.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../../shared/adapters/blob-store/blob-store.ts';
import { localBlobStore } from '../../../../shared/adapters/blob-store/local-blob-store.ts';
import { describeBlobStoreContract } from './blob-store-contract.ts';

describeBlobStoreContract('local folder', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'abtest-buckets-'));
  return {
    store: localBlobStore(root),
    bucket: 'raw',
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});

/** Every file under a folder, relative, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('local folder BlobStore', () => {
  let root: string;
  let store: BlobStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'abtest-buckets-'));
    store = localBlobStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('maps gs://bucket/key to <root>/bucket/key', async () => {
    await store.write('curated', 'events/experiment_id=e1/batch_id=b1.parquet', 'x');
    const file = path.join(root, 'curated', 'events', 'experiment_id=e1', 'batch_id=b1.parquet');
    expect(store.uri('curated', 'events/experiment_id=e1/batch_id=b1.parquet')).toBe(file);
    expect(await store.localFile('curated', 'events/experiment_id=e1/batch_id=b1.parquet')).toBe(
      file,
    );
  });

  it('leaves no temporary file after writes, refused writes and uploads', async () => {
    const source = path.join(root, 'source.csv');
    await writeFile(source, 'a,b\n');
    await store.write('raw', 'batches/b1/source.csv', 'one');
    await store.write('raw', 'batches/b1/source.csv', 'two');
    await store.write('raw', 'batches/b1/source.csv', 'three', { ifAbsent: true });
    await store.upload(source, 'raw', 'batches/b2/source.csv', { ifAbsent: true });
    await store.upload(source, 'raw', 'batches/b2/source.csv', { ifAbsent: true });
    await Promise.all(
      ['x', 'y', 'z'].map((data) => store.write('raw', 'race', data, { ifAbsent: true })),
    );

    expect(await filesUnder(path.join(root, 'raw'))).toEqual([
      path.join('batches', 'b1', 'source.csv'),
      path.join('batches', 'b2', 'source.csv'),
      'race',
    ]);
  });

  it('does not list the temporary file of an unfinished write', async () => {
    await store.write('raw', 'uploads/a.csv', 'whole');
    // What a crash in the middle of a write leaves: a partial temporary file beside the target.
    await writeFile(path.join(root, 'raw', 'uploads', 'b.csv.tmp-999-0123456789ab'), 'half');

    expect(await store.list('raw', 'uploads/')).toEqual(['uploads/a.csv']);
    expect(await store.exists('raw', 'uploads/b.csv')).toBe(false);
  });

  it('does not list folders as objects', async () => {
    await mkdir(path.join(root, 'raw', 'uploads', 'empty'), { recursive: true });
    await store.write('raw', 'uploads/a.csv', 'x');
    expect(await store.list('raw', '')).toEqual(['uploads/a.csv']);
  });

  it('has no signed URLs', async () => {
    await store.write('artifacts', 'report.pdf', 'pdf');
    expect(await store.signedUrl('artifacts', 'report.pdf', 60)).toBeNull();
  });

  it('lists nothing in a bucket that was never written', async () => {
    expect(await store.list('never', '')).toEqual([]);
  });
});
