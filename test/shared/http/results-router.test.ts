/**
 * The results router on a plain Node http server (as `abtest serve` runs it), where the body
 * arrives unread: broken JSON and a streamed body past 64 KiB are JSON errors from the router
 * itself, and a path that does not percent-decode is a 400.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../../shared/http/router.ts';
import { resultsRoutes } from '../../../shared/http/results/results-routes.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';
import { apiClient, type ApiClient } from './openapi-contract.ts';

const token = 'plain-token-0123456789abcdef';
let stack: LocalStack;
let server: Server;
let api: ApiClient;
let base: string;

beforeAll(async () => {
  stack = await openLocalStack({ ABTEST_API_TOKEN: token });
  await stack.deps.db.query(`INSERT INTO experiments (experiment_id) VALUES ('plain-exp')`);
  const handle = createRouter(resultsRoutes);
  server = createServer((req, res) => void handle(stack.deps, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api = apiClient(base, token);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await stack.close();
});

describe('the results router on a plain Node server', () => {
  it('serves reads', async () => {
    const response = await api<{ experiment_id: string; batch_count: number }>(
      '/v1/experiments/plain-exp',
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ experiment_id: 'plain-exp', batch_count: 0 });
  });

  it.each([
    ['broken JSON', '{"experiment_id":', 'the request body is not valid JSON'],
    ['an empty body', '', 'the request body is empty'],
    ['JSON null', 'null', 'body: Invalid input: expected object, received null'],
  ])('answers 400 for %s', async (_case, body, message) => {
    const response = await api('/v1/analytics/run', { method: 'POST', body });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: message });
  });

  it('answers 413 for a streamed body past 64 KiB, before parsing it', async () => {
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let n = 0; n < 6; n += 1) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(`${base}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: 'the request body is larger than the limit of 65536 bytes',
    });
  });

  it('answers 400 for a path segment that does not decode', async () => {
    const response = await api<{ error: string }>('/v1/experiments/x%ZZ');
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/not a valid experiment id/);
  });
});
