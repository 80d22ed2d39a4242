/**
 * The ingest function through functions-framework: the HTTP entry point on a running test
 * server, and the Cloud Storage entry point with a real finalize CloudEvent.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFunction, getTestServer } from '@google-cloud/functions-framework/testing';
import '../../functions/ingest/index.ts';
import { useStageDeps } from '../../shared/runtime/function-runtime.ts';
import { openLocalStack, type LocalStack } from '../support/local-stack.ts';
import { storageCloudEvent } from '../support/cloud-events.ts';
import { checkResponse } from '../shared/http/openapi-contract.ts';

const csv = [
  'user_id,experiment_id,variant,event_type,timestamp,value',
  'u1,exp1,control,exposure,2026-01-01T10:00:00Z,',
  'u1,exp1,control,purchase,2026-01-01T11:00:00Z,12.50',
  'u2,exp1,treatment,exposure,2026-01-01T10:00:00Z,',
].join('\n');

const token = 'ingest-test-token-0123456789';
const auth = { authorization: `Bearer ${token}` };
let stack: LocalStack;
let server: Server;
let base: string;

beforeAll(async () => {
  stack = await openLocalStack({ ABTEST_MAX_UPLOAD_BYTES: '4096', ABTEST_API_TOKEN: token });
  useStageDeps(stack.deps);
  server = getTestServer('ingest');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await stack.close();
});

/** Every answer is checked against the OpenAPI document. */
const post = async (body: string, headers: Record<string, string>, path = '/v1/ingest/events') =>
  checkResponse<Record<string, unknown>>(
    await fetch(`${base}${path}`, { method: 'POST', body, headers: { ...auth, ...headers } }),
    'POST',
  );

describe('POST /v1/ingest/events', () => {
  it('answers 202 with the new batch, stores the raw bytes and a batch.received message', async () => {
    const response = await post(csv, { 'content-type': 'text/csv' });
    expect(response.status).toBe(202);
    const body = response.body as { batch_id: string; status: string; accepted: null };
    expect(body.batch_id).toMatch(/^b_[0-9a-f]{24}$/);
    expect(body.status).toBe('received');
    expect(body.accepted).toBeNull();
    const raw = await stack.deps.blobs.read('raw', `batches/${body.batch_id}/source.csv`);
    expect(raw.toString('utf8')).toBe(csv);
    const messages = await stack.deps.db.query<{ payload: { batch_id: string } }>(
      `SELECT payload FROM outbox_messages WHERE topic = 'abtest.batch.received'`,
    );
    expect(messages.rows.map((row) => row.payload.batch_id)).toContain(body.batch_id);
    expect(response.headers.get('location')).toBe(`/v1/batches/${body.batch_id}`);
    const status = await checkResponse<{ status: string; experiment_ids: string[] }>(
      await fetch(`${base}/v1/batches/${body.batch_id}`, { headers: auth }),
      'GET',
    );
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: 'received', experiment_ids: [] });
    const unknown = await fetch(`${base}/v1/batches/b_000000000000000000000000`, { headers: auth });
    expect((await checkResponse(unknown, 'GET')).status).toBe(404);
    const invalid = await fetch(`${base}/v1/batches/..%2Fetc`, { headers: auth });
    expect((await checkResponse(invalid, 'GET')).status).toBe(400);
  });

  it('answers 200 with the same batch when the same content comes again', async () => {
    const first = (await post(csv, { 'content-type': 'text/csv' })).body as { batch_id: string };
    const again = await post(csv, { 'content-type': 'text/csv; charset=utf-8' });
    expect(again.status).toBe(200);
    expect((again.body as { batch_id: string }).batch_id).toBe(first.batch_id);
    const rows = await stack.deps.db.query('SELECT 1 FROM ingest_batches WHERE batch_id = $1', [
      first.batch_id,
    ]);
    expect(rows.rows).toHaveLength(1);
  });

  it('refuses an Idempotency-Key reused for different content with 422', async () => {
    const ndjson =
      '{"user_id":"u9","experiment_id":"exp2","variant":"a","event_type":"exposure","timestamp":1767261600000}\n';
    const first = await post(ndjson, {
      'content-type': 'application/x-ndjson',
      'idempotency-key': 'key-1',
    });
    expect(first.status).toBe(202);
    const same = await post(ndjson, {
      'content-type': 'application/x-ndjson',
      'idempotency-key': 'key-1',
    });
    expect(same.status).toBe(200);
    const other = await post(`${ndjson}${ndjson.replace('u9', 'u8')}`, {
      'content-type': 'application/x-ndjson',
      'idempotency-key': 'key-1',
    });
    expect(other.status).toBe(422);
    expect((other.body as { error: string }).error).toMatch(
      /Idempotency-Key "key-1".*different content/,
    );
  });

  it('takes the file part of multipart/form-data', async () => {
    const form = new FormData();
    form.append('file', new Blob([csv.replace('u2', 'u3')], { type: 'text/csv' }), 'day1.csv');
    const response = await checkResponse(
      await fetch(`${base}/v1/ingest/events`, { method: 'POST', body: form, headers: auth }),
      'POST',
    );
    expect(response.status).toBe(202);
    const body = response.body as { source: string };
    expect(body.source).toBe('day1.csv');
  });

  it.each([
    [
      'an unknown Content-Type',
      csv,
      { 'content-type': 'text/xml' },
      415,
      /unsupported Content-Type "text\/xml"/,
    ],
    [
      'a body past the size limit',
      'x'.repeat(5000),
      { 'content-type': 'text/csv' },
      413,
      /larger than the limit of 4096 bytes/,
    ],
    [
      'a missing required column',
      'user_id,variant\nu1,a\n',
      { 'content-type': 'text/csv' },
      422,
      /missing required columns "experiment_id", "event_type", "timestamp"/,
    ],
    ['an empty body', '', { 'content-type': 'text/csv' }, 400, /empty/],
    [
      'broken JSON',
      '{"user_id": "u1",\n',
      { 'content-type': 'application/x-ndjson' },
      400,
      /line 1: broken JSON/,
    ],
  ])('answers %s with a clear error', async (_case, body, headers, status, message) => {
    const response = await post(body, headers);
    expect(response.status).toBe(status);
    expect((response.body as { error: string }).error).toMatch(message);
  });

  it('answers 401 without the token or with a wrong one', async () => {
    const missing = await checkResponse(
      await fetch(`${base}/v1/ingest/events`, {
        method: 'POST',
        body: csv,
        headers: { 'content-type': 'text/csv' },
      }),
      'POST',
    );
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await post(csv, {
      'content-type': 'text/csv',
      authorization: 'Bearer not-the-right-token',
    });
    expect(wrong.status).toBe(401);
  });

  it('answers 404 off its route and 405 for other methods', async () => {
    expect((await post(csv, { 'content-type': 'text/csv' }, '/v1/other')).status).toBe(404);
    const get = await checkResponse(
      await fetch(`${base}/v1/ingest/events`, { headers: auth }),
      'GET',
    );
    expect(get.status).toBe(405);
  });
});

describe('ingestUpload (Cloud Storage finalize)', () => {
  const deliver = (event: unknown) =>
    (getFunction('ingestUpload') as (e: unknown) => Promise<void>)(event);

  it('turns an object under uploads/ into a batch', async () => {
    const content = csv.replace(/exp1/g, 'exp-gcs');
    await stack.deps.blobs.write('raw', 'uploads/day1.csv', content);
    await deliver(storageCloudEvent('raw', 'uploads/day1.csv'));
    const batch = await stack.deps.db.query<{ source: string; status: string }>(
      `SELECT source, status FROM ingest_batches WHERE source = 'gs://raw/uploads/day1.csv'`,
    );
    expect(batch.rows).toEqual([{ source: 'gs://raw/uploads/day1.csv', status: 'received' }]);
  });

  it('ignores objects outside uploads/, its own batches/ among them', async () => {
    const before = await stack.deps.db.query('SELECT count(*)::int AS n FROM ingest_batches');
    await stack.deps.blobs.write('raw', 'elsewhere/x.csv', csv.replace(/exp1/g, 'exp-x'));
    await deliver(storageCloudEvent('raw', 'elsewhere/x.csv'));
    await deliver(storageCloudEvent('raw', 'batches/b_0123456789abcdef01234567/source.csv'));
    const after = await stack.deps.db.query('SELECT count(*)::int AS n FROM ingest_batches');
    expect(after.rows).toEqual(before.rows);
  });

  it('stores a definition under definitions/ and asks for a rerun', async () => {
    await stack.deps.blobs.write(
      'raw',
      'definitions/exp-def.yaml',
      'id: exp-def\nname: Definition test\nalpha: 0.1\n',
    );
    await deliver(storageCloudEvent('raw', 'definitions/exp-def.yaml', 'application/yaml'));
    const experiment = await stack.deps.db.query<{ name: string; definition: { alpha: number } }>(
      `SELECT name, definition FROM experiments WHERE experiment_id = 'exp-def'`,
    );
    expect(experiment.rows[0]?.name).toBe('Definition test');
    expect(experiment.rows[0]?.definition.alpha).toBe(0.1);
    const reruns = await stack.deps.db.query<{ payload: unknown }>(
      `SELECT payload FROM outbox_messages WHERE topic = 'abtest.rerun'`,
    );
    expect(reruns.rows.map((row) => row.payload)).toContainEqual({
      version: 1,
      experiment_id: 'exp-def',
    });
  });

  it('records an upload of an unknown format instead of retrying it', async () => {
    await stack.deps.blobs.write('raw', 'uploads/notes.txt', 'hello');
    await deliver(storageCloudEvent('raw', 'uploads/notes.txt', 'text/plain'));
    const rejected = await stack.deps.db.query<{ reason: string }>(
      `SELECT reason FROM rejected_messages WHERE topic = 'storage.object.finalized'`,
    );
    expect(rejected.rows[0]?.reason).toMatch(/uploads\/notes.txt: unknown format/);
  });
});
