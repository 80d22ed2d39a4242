/**
 * The webhooks API through the function: registering (the secret shown once), listing
 * (configured URLs too) with every URL redacted for every token, a delivery announced as the
 * stages do reaching a local receiver with a signature the registered secret verifies, the
 * delivery history as outcomes and reason classes, deletion, and the refusals (every notation
 * of the metadata address among them). Loopback receivers need ABTEST_WEBHOOK_ALLOW_PRIVATE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config/load-config.ts';
import { enqueueWebhookEvent } from '../../shared/webhooks/enqueue-webhook-event.ts';
import { verifyWebhookSignature } from '../../shared/webhooks/webhook-signature.ts';
import {
  openResultsServer,
  testReadToken,
  type ResultsServer,
} from '../shared/http/results-server.ts';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const configuredUrl = 'http://127.0.0.1:9/configured-hook?token=configured-secret-path';
const subject = { experiment_id: 'checkout-redesign', analysis_id: `an_${'ab'.repeat(12)}` };
let server: ResultsServer;
let receiver: WebhookReceiver;

interface Created {
  webhook_id: string;
  url: string;
  experiment_id: string | null;
  events: string[];
  source: string;
  secret: string;
}

beforeAll(async () => {
  server = await openResultsServer(
    {
      ABTEST_WEBHOOK_URLS: configuredUrl,
      ABTEST_WEBHOOK_SECRET: 'configured-secret-0123456789',
      ABTEST_WEBHOOK_ALLOW_PRIVATE: 'true',
      ABTEST_WEBHOOK_TIMEOUT_SECONDS: '2',
    },
    { chain: true },
  );
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
  await server.close();
});

describe('the webhooks API', () => {
  let created: Created;

  it('registers a webhook and shows its secret once', async () => {
    const response = await server.api<Created>('/v1/webhooks', {
      method: 'POST',
      body: { url: receiver.url, experiment_id: 'checkout-redesign' },
    });
    expect(response.status).toBe(201);
    created = response.body;
    const port = new URL(receiver.url).port;
    expect(created).toMatchObject({
      url: `http://127.0.0.1:${port}/…`,
      url_hint: expect.stringMatching(/^sha256:[0-9a-f]{8}$/),
      experiment_id: 'checkout-redesign',
      // Without `events`, every event, the alerts' included.
      events: ['analysis.completed', 'report.ready', 'alert.opened', 'alert.updated'],
      source: 'api',
    });
    expect(created.webhook_id).toMatch(/^wh_[0-9a-f]{24}$/);
    expect(created.secret).toMatch(/^whsec_[0-9a-f]{48}$/);
    expect(response.headers.get('location')).toBe(`/v1/webhooks/${created.webhook_id}`);

    // Any token sees URLs redacted: their paths and queries often hold secrets.
    for (const token of [undefined, testReadToken]) {
      const list = await server.api<{ items: Record<string, unknown>[] }>('/v1/webhooks', {
        ...(token === undefined ? {} : { token }),
      });
      expect(list.status).toBe(200);
      expect(list.body.items.map((item) => [item.url, item.source])).toEqual([
        ['http://127.0.0.1:9/…', 'config'],
        [`http://127.0.0.1:${port}/…`, 'api'],
      ]);
      expect(list.bytes.toString('utf8')).not.toContain('configured-secret-path');
      expect(list.bytes.toString('utf8')).not.toContain('/hooks/abtest');
      expect(list.body.items.every((item) => !('secret' in item))).toBe(true);
    }
  });

  it('delivers a signed event the registered secret verifies, and keeps its history', async () => {
    const deps = server.stack.deps;
    await deps.db.transaction((tx) =>
      enqueueWebhookEvent(tx, deps.config, 'analysis.completed', subject, { users: 2894 }),
    );
    await deps.bus.flush();
    await deps.bus.idle();
    expect(receiver.received).toHaveLength(1);
    const request = receiver.received[0];
    const signature = request?.headers['x-abtest-signature'] as string;
    expect(verifyWebhookSignature(created.secret, signature, request?.body ?? '', 300)).toBe(true);
    expect(JSON.parse(request?.body.toString('utf8') ?? '{}')).toMatchObject({
      event: 'analysis.completed',
      ...subject,
      data: { users: 2894 },
    });

    const history = await server.api<{ items: Record<string, unknown>[] }>(
      `/v1/webhooks/${created.webhook_id}/deliveries`,
      { token: testReadToken },
    );
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({
      delivery_id: request?.headers['x-abtest-delivery'],
      event: 'analysis.completed',
      ...subject,
      url: created.url,
      status: 'delivered',
      attempts: 1,
      failure_reason: null,
      attempt_log: [{ attempt: 1, outcome: 'delivered', reason: null }],
    });

    // The configured URL points at a closed port: failed after its attempts, and the history
    // says only the class of failure (no address, port or error text).
    const list = await server.api<{ items: { webhook_id: string; source: string }[] }>(
      '/v1/webhooks',
    );
    const configured = list.body.items.find((item) => item.source === 'config');
    const failed = await server.api<{ items: Record<string, unknown>[] }>(
      `/v1/webhooks/${configured?.webhook_id}/deliveries`,
    );
    expect(failed.body.items[0]).toMatchObject({
      status: 'failed',
      attempts: 5,
      failure_reason: 'connection_error',
    });
    expect(failed.bytes.toString('utf8')).not.toMatch(/ECONNREFUSED|refused/i);
  });

  it('deletes a webhook (204) but keeps its history; a configured one is a 409', async () => {
    const removed = await server.api(`/v1/webhooks/${created.webhook_id}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    const again = await server.api(`/v1/webhooks/${created.webhook_id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    const list = await server.api<{ items: { webhook_id: string }[] }>('/v1/webhooks');
    expect(list.body.items.map((item) => item.webhook_id)).not.toContain(created.webhook_id);
    const history = await server.api<{ items: unknown[] }>(
      `/v1/webhooks/${created.webhook_id}/deliveries`,
    );
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(1);
    const configured = list.body.items[0]?.webhook_id;
    const conflict = await server.api<{ error: string }>(`/v1/webhooks/${configured}`, {
      method: 'DELETE',
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatch(/ABTEST_WEBHOOK_URLS/);
  });

  it.each([
    ['a non-http URL', { url: 'ftp://hooks.example.test/x' }, /^url: /],
    ['credentials in the URL', { url: 'https://user:pw@hooks.example.test/' }, /credentials/],
    ['the metadata server', { url: 'http://metadata.google.internal/x' }, /metadata server/],
    ['the metadata address', { url: 'http://169.254.169.254/latest' }, /metadata server/],
    ['a mapped metadata address', { url: 'http://[::ffff:169.254.169.254]/' }, /metadata/],
    ['a hex-mapped metadata address', { url: 'http://[::ffff:a9fe:a9fe]/' }, /metadata/],
    ['the AWS IPv6 metadata address', { url: 'http://[fd00:ec2::254]/' }, /metadata/],
    ['a decimal metadata address', { url: 'http://2852039166/' }, /metadata/],
    ['a link-local address', { url: 'http://169.254.10.10/latest' }, /link-local/],
    ['an unknown event', { url: 'https://hooks.example.test/', events: ['x'] }, /^events\.0: /],
    ['no events', { url: 'https://hooks.example.test/', events: [] }, /^events: /],
    [
      'a bad experiment id',
      { url: 'https://hooks.example.test/', experiment_id: 'a/b' },
      /^experiment_id: not a valid experiment id/,
    ],
  ])('refuses %s with 400', async (_case, body, message) => {
    const response = await server.api<{ error: string }>('/v1/webhooks', { method: 'POST', body });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(message);
  });

  it('answers 404 for the deliveries of an unknown webhook', async () => {
    const response = await server.api(`/v1/webhooks/wh_${'0'.repeat(24)}/deliveries`);
    expect(response.status).toBe(404);
  });
});

describe('ABTEST_WEBHOOK_URLS', () => {
  const base = { ABTEST_WEBHOOK_SECRET: 'configured-secret-0123456789' };

  it.each([
    [
      'http://169.254.169.254/latest',
      'true',
      /URL 1 \(http:\/\/169\.254\.169\.254\/…\): the cloud metadata server/,
    ],
    ['https://ok.example.com/a,http://[::ffff:a9fe:a9fe]/x', 'true', /URL 2 .*metadata server/],
    ['http://127.0.0.1:8080/hook?key=secret-part', 'false', /URL 1 .*ALLOW_PRIVATE=true/],
    ['http://10.0.0.5/', 'false', /ALLOW_PRIVATE=true/],
  ])('goes through the same checks as registered URLs: %s', (urls, allowPrivate, message) => {
    const load = () =>
      loadConfig({
        ...base,
        ABTEST_WEBHOOK_URLS: urls,
        ABTEST_WEBHOOK_ALLOW_PRIVATE: allowPrivate,
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
    expect(load).not.toThrow(/secret-part/);
  });

  it('accepts public URLs, and private ones when allowed', () => {
    expect(
      loadConfig({ ...base, ABTEST_WEBHOOK_URLS: 'https://hooks.example.com/x' }).webhookUrls,
    ).toEqual(['https://hooks.example.com/x']);
    expect(
      loadConfig({
        ...base,
        ABTEST_WEBHOOK_URLS: 'http://127.0.0.1:8080/x',
        ABTEST_WEBHOOK_ALLOW_PRIVATE: 'true',
      }).webhookAllowPrivate,
    ).toBe(true);
  });
});
