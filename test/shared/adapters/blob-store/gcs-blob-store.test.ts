/**
 * The Cloud Storage BlobStore against a test double of the Cloud Storage JSON API (not an
 * emulator; see test/support/gcs-json-api-double.ts): the shared contract, plus what only Cloud
 * Storage has: `gs://` URIs, the `ifGenerationMatch=0` precondition, paginated listings and V4
 * signed URLs. The client gets `apiEndpoint` (with which @google-cloud/storage 7 sends requests
 * unauthenticated unless `useAuthWithCustomEndpoint` is set) and a throwaway service-account key
 * generated here, which signing needs and nothing else uses.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../../shared/adapters/blob-store/blob-store.ts';
import { gcsBlobStore } from '../../../../shared/adapters/blob-store/gcs-blob-store.ts';
import type { GcsJsonApiDouble } from '../../../support/gcs-json-api-double.ts';
import { startGcsJsonApiDouble } from '../../../support/gcs-json-api-double.ts';
import { describeBlobStoreContract } from './blob-store-contract.ts';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const clientEmail = 'abtest-test@abtest-local.iam.gserviceaccount.com';
let gcs: GcsJsonApiDouble;

beforeAll(async () => {
  gcs = await startGcsJsonApiDouble({ pageSize: 2, signingKey: keys.publicKey });
});
afterAll(() => gcs.close());

/** A store on the double, and a bucket no other test uses. */
function openStore(): { store: BlobStore; bucket: string; dispose(): Promise<void> } {
  const bucket = `abtest-test-${randomBytes(5).toString('hex')}`;
  const store = gcsBlobStore({
    apiEndpoint: gcs.endpoint,
    projectId: 'abtest-local',
    credentials: {
      client_email: clientEmail,
      private_key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  });
  return {
    store,
    bucket,
    async dispose() {
      // localFile downloads into the temporary folder, one folder per bucket.
      await rm(path.join(os.tmpdir(), 'abtest-gcs-cache', bucket), {
        recursive: true,
        force: true,
      });
      expect(gcs.unsupported).toEqual([]);
    },
  };
}

describeBlobStoreContract('Cloud Storage (JSON API test double)', async () => openStore());

describe('Cloud Storage BlobStore', () => {
  let subject: ReturnType<typeof openStore>;
  let store: BlobStore;
  let bucket: string;

  beforeEach(() => {
    subject = openStore();
    ({ store, bucket } = subject);
  });
  afterEach(() => subject.dispose());

  const requestsFor = (key: string) =>
    gcs.requests.filter((request) => request.includes(encodeURIComponent(key)));

  it('names objects gs://bucket/key', () => {
    expect(store.uri(bucket, 'batches/b1/source.csv')).toBe(`gs://${bucket}/batches/b1/source.csv`);
  });

  it('sends ifGenerationMatch=0 for ifAbsent writes and uploads only', async () => {
    await store.write(bucket, 'plain.csv', 'x');
    await store.write(bucket, 'guarded.csv', 'x', { ifAbsent: true });

    expect(requestsFor('plain.csv').some((r) => r.includes('ifGenerationMatch'))).toBe(false);
    expect(requestsFor('guarded.csv').filter((r) => r.startsWith('POST'))).toEqual([
      expect.stringContaining('ifGenerationMatch=0'),
    ]);
  });

  it('stores the content type it is given', async () => {
    await store.write(bucket, 'doc.json', '{}', { contentType: 'application/json' });
    expect(gcs.object(bucket, 'doc.json')).toEqual({
      data: Buffer.from('{}'),
      contentType: 'application/json',
    });
  });

  it('follows listing pages (the double answers two objects a page)', async () => {
    const names = ['p/1', 'p/2', 'p/3', 'p/4', 'p/5'];
    for (const name of names) await store.write(bucket, name, name);
    const before = gcs.requests.length;

    expect(await store.list(bucket, 'p/')).toEqual(names);

    const listings = gcs.requests.slice(before).filter((r) => r.includes(`/b/${bucket}/o?`));
    expect(listings).toHaveLength(3);
  });

  it('signs a V4 URL the double accepts, and one altered is refused', async () => {
    await store.write(bucket, 'reports/experiment_id=e1/report.pdf', '%PDF-1.7');

    const signed = await store.signedUrl(bucket, 'reports/experiment_id=e1/report.pdf', 900);

    const url = new URL(signed ?? '');
    expect(url.origin).toBe(gcs.endpoint);
    expect(url.pathname).toBe(`/${bucket}/reports/experiment_id%3De1/report.pdf`);
    expect(url.searchParams.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256');
    expect(url.searchParams.get('X-Goog-Credential')).toMatch(
      new RegExp(`^${clientEmail}/\\d{8}/auto/storage/goog4_request$`),
    );
    expect(['899', '900']).toContain(url.searchParams.get('X-Goog-Expires'));
    expect(url.searchParams.get('X-Goog-SignedHeaders')).toBe('host');
    expect(url.searchParams.get('X-Goog-Signature')).toMatch(/^[0-9a-f]{512}$/);

    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('%PDF-1.7');

    url.searchParams.set('X-Goog-Expires', '604800');
    expect((await fetch(url)).status).toBe(403);
  });

  it('signs a V4 PUT URL into uploads/ (contract test of our adapter: the double checks the signature over the method, host and content type)', async () => {
    const signed = await store.signedUploadUrl(
      bucket,
      'uploads/direct/u1/events.csv',
      'text/csv',
      900,
    );

    const url = new URL(signed ?? '');
    expect(url.origin).toBe(gcs.endpoint);
    expect(url.pathname).toBe(`/${bucket}/uploads/direct/u1/events.csv`);
    expect(url.searchParams.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256');
    expect(url.searchParams.get('X-Goog-Credential')).toMatch(
      new RegExp(`^${clientEmail}/\\d{8}/auto/storage/goog4_request$`),
    );
    expect(['899', '900']).toContain(url.searchParams.get('X-Goog-Expires'));
    expect(url.searchParams.get('X-Goog-SignedHeaders')).toBe('content-type;host');
    expect(url.searchParams.get('X-Goog-Signature')).toMatch(/^[0-9a-f]{512}$/);

    const body = 'user_id,experiment_id,variant,event_type,timestamp\n';
    // Another content type than the one signed is refused; the signed one is stored.
    const wrongType = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(wrongType.status).toBe(403);
    const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body });
    expect(put.status).toBe(200);
    expect(gcs.object(bucket, 'uploads/direct/u1/events.csv')?.data.toString()).toBe(body);
    expect(await store.read(bucket, 'uploads/direct/u1/events.csv')).toEqual(Buffer.from(body));
  });

  it('never shows a reader of an earlier localFile a partial file while downloading again', async () => {
    const data = Buffer.alloc(4 * 1024 * 1024, 'curated-');
    await store.write(bucket, 'curated/big.parquet', data);
    const file = await store.localFile(bucket, 'curated/big.parquet');

    let done = false;
    const again = store.localFile(bucket, 'curated/big.parquet').finally(() => {
      done = true;
    });
    const sizes = new Set<number>();
    while (!done) sizes.add((await readFile(file)).length);
    await again;

    expect([...sizes]).toEqual([data.length]);
  });
});
