/**
 * The webhooks API through the function: registering (the secret shown once), listing
 * (configured URLs too), a delivery made by fireWebhooks (as the stages will) reaching a local
 * receiver with a signature the registered secret verifies, the delivery history, deletion,
 * and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireWebhooks } from '../../shared/webhooks/fire-webhooks.ts';
import { verifyWebhookSignature } from '../../shared/webhooks/webhook-signature.ts';
import { openResultsServer, type ResultsServer } from '../shared/http/results-server.ts';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const configuredUrl = 'http://127.0.0.1:9/configured-hook';
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
  server = await openResultsServer({
    ABTEST_WEBHOOK_URLS: configuredUrl,
    ABTEST_WEBHOOK_SECRET: 'configured-secret-0123456789',
  });
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
    expect(created).toMatchObject({
      url: receiver.url,
      experiment_id: 'checkout-redesign',
      events: ['analysis.completed', 'report.ready'],
      source: 'api',
    });
    expect(created.webhook_id).toMatch(/^wh_[0-9a-f]{24}$/);
    expect(created.secret).toMatch(/^whsec_[0-9a-f]{48}$/);
    expect(response.headers.get('location')).toBe(`/v1/webhooks/${created.webhook_id}`);

    const list = await server.api<{ items: Record<string, unknown>[] }>('/v1/webhooks');
    expect(list.status).toBe(200);
    expect(list.body.items.map((item) => [item.url, item.source])).toEqual([
      [configuredUrl, 'config'],
      [receiver.url, 'api'],
    ]);
    expect(list.body.items.every((item) => !('secret' in item))).toBe(true);
  });

  it('delivers a signed event the registered secret verifies, and keeps its history', async () => {
    const firing = await fireWebhooks(
      server.stack.deps,
      'analysis.completed',
      subject,
      { users: 2894 },
      { sleep: async () => undefined, attempts: 1, timeoutMs: 2000 },
    );
    // The configured URL points at a closed port: recorded as failed, the stage unaffected.
    expect(firing).toEqual({ delivered: 1, failed: 1, skipped: 0 });
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
    );
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({
      delivery_id: request?.headers['x-abtest-delivery'],
      event: 'analysis.completed',
      ...subject,
      url: receiver.url,
      status: 'delivered',
      attempts: 1,
      response_status: 204,
      last_error: null,
      attempt_log: [{ attempt: 1, response_status: 204, error: null }],
    });

    const list = await server.api<{ items: { webhook_id: string; source: string }[] }>(
      '/v1/webhooks',
    );
    const configured = list.body.items.find((item) => item.source === 'config');
    const failed = await server.api<{ items: { status: string; last_error: string }[] }>(
      `/v1/webhooks/${configured?.webhook_id}/deliveries`,
    );
    expect(failed.body.items[0]?.status).toBe('failed');
    expect(failed.body.items[0]?.last_error).toMatch(/^request failed: /);
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
    ['a link-local address', { url: 'http://169.254.169.254/latest' }, /link-local/],
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
