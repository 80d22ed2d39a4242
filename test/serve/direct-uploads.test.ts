/**
 * Direct uploads on `abtest serve` (started in this process), and the charts the chain then
 * writes: `POST /v1/uploads` hands out a one-time URL on the same server; a PUT of the file's
 * bytes to it (no token: the URL is the credential) answers 201 and lands in the watched
 * `uploads/` folder, a second PUT is refused, and the chain runs as for any upload up to the
 * report, whose SVG charts `GET /v1/analytics/results/{id}` lists and serves with the same
 * token as `image/svg+xml`. Every answer is checked against the OpenAPI document.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyTruth, generateEvents } from '../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../shared/generate/write-generated-file.ts';
import { apiClient, type ApiClient } from '../shared/http/openapi-contract.ts';
import { serverToken, startTestServer, type TestServer } from './local-stack-server.ts';

let server: TestServer;
let api: ApiClient;
let csv: Buffer;

beforeAll(async () => {
  server = await startTestServer({ ABTEST_API_READ_TOKEN: 'read-only-token-0123456789' });
  api = apiClient(server.server.url, serverToken);
  const file = path.join(server.server.deps.config.dataDir, 'generated.csv');
  const options = { users: 700, seed: 3, mess: false };
  await writeGeneratedFile(file, 'csv', generateEvents(options, emptyTruth(options)));
  csv = await readFile(file);
});

afterAll(async () => {
  await server?.close();
});

interface UploadUrl {
  upload_url: string;
  object: string;
  expires_at: string;
}

describe('direct uploads on abtest serve', () => {
  let upload: UploadUrl;

  it('hands out a one-time URL on the same server, valid for the configured time', async () => {
    const before = Date.now();
    const response = await api<UploadUrl>('/v1/uploads', {
      method: 'POST',
      body: { filename: 'checkout week 1.csv', content_type: 'text/csv' },
    });
    expect(response.status).toBe(201);
    upload = response.body;
    expect(upload.upload_url).toMatch(/^\/v1\/uploads\/[A-Za-z0-9_-]{43}$/);
    expect(upload.object).toMatch(/^uploads\/[0-9a-f]{24}\/checkout_week_1\.csv$/);
    const expires = Date.parse(upload.expires_at) - before;
    expect(expires).toBeGreaterThanOrEqual(900_000);
    expect(expires).toBeLessThan(960_000);
  });

  it('refuses a name of no format it reads, and a read-only token', async () => {
    const bad = await api('/v1/uploads', {
      method: 'POST',
      body: { filename: 'events.xlsx', content_type: 'application/vnd.ms-excel' },
    });
    expect(bad.status).toBe(415);
    const readOnly = await api('/v1/uploads', {
      method: 'POST',
      token: 'read-only-token-0123456789',
      body: { filename: 'events.csv', content_type: 'text/csv' },
    });
    expect(readOnly.status).toBe(403);
  });

  it('stores the bytes PUT to the URL without a token, once', async () => {
    const put = await fetch(`${server.server.url}${upload.upload_url}`, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: new Uint8Array(csv),
    });
    expect(put.status).toBe(201);
    expect(await put.json()).toMatchObject({ object: upload.object, bytes: csv.length });
    const stored = path.join(server.server.uploadsFolder, upload.object.slice('uploads/'.length));
    expect(await readFile(stored)).toEqual(csv);

    const again = await fetch(`${server.server.url}${upload.upload_url}`, {
      method: 'PUT',
      body: 'user_id\n',
    });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: string }).error).toBe(
      'this upload URL is unknown, used or expired',
    );
  });

  it('runs the chain up to the report, whose charts are listed and served as SVG', async () => {
    type Results = { analysis_id: string; plots: { name: string; url: string }[] };
    let results: Results | undefined;
    for (let attempt = 0; attempt < 300 && results === undefined; attempt += 1) {
      const response = await api<Results>('/v1/analytics/results/checkout-redesign');
      if (response.status === 200 && response.body.plots.length > 0) results = response.body;
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (results === undefined) throw new Error('no charts after the chain ran');
    const batches = await server.server.deps.db.query<{ source: string; status: string }>(
      'SELECT source, status FROM ingest_batches',
    );
    expect(batches.rows).toEqual([{ source: `gs://raw/${upload.object}`, status: 'validated' }]);
    const names = results.plots.map((plot) => plot.name);
    expect(names).toEqual([
      'cumulative-lift-conversion.svg',
      'cumulative-lift-revenue.svg',
      'forest-conversion.svg',
      'forest-revenue.svg',
      // The results by day carry each comparison's confidence sequence: its band is drawn too.
      'sequential-conversion.svg',
      'sequential-revenue.svg',
    ]);
    for (const plot of results.plots) {
      expect(plot.url).toBe(
        `/v1/experiments/checkout-redesign/analyses/${results.analysis_id}/plots/${plot.name}`,
      );
      const response = await api<string>(plot.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/svg+xml');
      expect(response.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    }
    const anonymous = await api(results.plots[0]?.url ?? '', { token: null });
    expect(anonymous.status).toBe(401);
    const missing = await api(
      `/v1/experiments/checkout-redesign/analyses/${results.analysis_id}/plots/forest-nothing.svg`,
    );
    expect(missing.status).toBe(404);
  });
});
