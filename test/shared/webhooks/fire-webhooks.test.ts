/**
 * fireWebhooks against local receivers: a signed POST a receiver can verify, retries with
 * backoff then a recorded failure, a timeout per attempt, one delivery per (webhook, event,
 * analysis) however often it is fired, the webhooks an event selects, and never a throw.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StageDeps } from '../../../shared/stages/stage-deps.ts';
import { deliveryIdFor } from '../../../shared/webhooks/delivery-records.ts';
import { fireWebhooks } from '../../../shared/webhooks/fire-webhooks.ts';
import {
  configuredWebhooks,
  createWebhook,
  deleteWebhook,
} from '../../../shared/webhooks/webhook-records.ts';
import { verifyWebhookSignature } from '../../../shared/webhooks/webhook-signature.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';
import { startReceiver, type WebhookReceiver } from '../../support/webhook-receiver.ts';

let stack: LocalStack;
const receivers: WebhookReceiver[] = [];
const noWait = { sleep: async () => undefined };

const receiver = async (answer?: (n: number) => number | 'hang') => {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
};

const subject = (n: number) => ({
  experiment_id: 'checkout-redesign',
  analysis_id: `an_${n.toString(16).padStart(24, '0')}`,
});

async function deliveryRow(deliveryId: string) {
  const delivery = await stack.deps.db.query<{ status: string; attempts: number }>(
    'SELECT status, attempts FROM webhook_deliveries WHERE delivery_id = $1',
    [deliveryId],
  );
  const attempts = await stack.deps.db.query<{ response_status: number | null; error: string }>(
    'SELECT response_status, error FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt',
    [deliveryId],
  );
  return { ...delivery.rows[0], log: attempts.rows };
}

beforeAll(async () => {
  stack = await openLocalStack();
});

beforeEach(async () => {
  await stack.deps.db.query('UPDATE webhooks SET deleted_at = now() WHERE deleted_at IS NULL');
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack.close();
});

describe('fireWebhooks', () => {
  it('POSTs a JSON body signed over its exact bytes, which the receiver verifies', async () => {
    const target = await receiver();
    const webhook = await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: 'checkout-redesign',
      events: ['report.ready'],
    });
    const payload = { pdf: 'gs://artifacts/reports/x.pdf', csv: 'gs://artifacts/reports/x.csv' };
    const firing = await fireWebhooks(stack.deps, 'report.ready', subject(1), payload, noWait);
    expect(firing).toEqual({ delivered: 1, failed: 0, skipped: 0 });
    expect(target.received).toHaveLength(1);
    const [request] = target.received;
    const deliveryId = deliveryIdFor(webhook.webhook_id, 'report.ready', subject(1).analysis_id);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/abtest');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-abtest-event']).toBe('report.ready');
    expect(request?.headers['x-abtest-delivery']).toBe(deliveryId);
    const signature = request?.headers['x-abtest-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(webhook.secret, signature, request?.body ?? '', 300)).toBe(true);
    expect(
      verifyWebhookSignature('whsec_wrong-secret-123', signature, request?.body ?? '', 300),
    ).toBe(false);
    const body = JSON.parse(request?.body.toString('utf8') ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      delivery_id: deliveryId,
      event: 'report.ready',
      ...subject(1),
      data: payload,
    });
    expect(await deliveryRow(deliveryId)).toEqual({
      status: 'delivered',
      attempts: 1,
      log: [{ response_status: 204, error: null }],
    });
  });

  it('retries with exponential backoff, then records the failure without throwing', async () => {
    const target = await receiver(() => 500);
    const webhook = await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: null,
      events: ['analysis.completed'],
    });
    const waits: number[] = [];
    const firing = await fireWebhooks(stack.deps, 'analysis.completed', subject(2), null, {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(firing).toEqual({ delivered: 0, failed: 1, skipped: 0 });
    expect(target.received).toHaveLength(3);
    expect(waits).toEqual([1000, 2000]);
    const deliveryId = deliveryIdFor(
      webhook.webhook_id,
      'analysis.completed',
      subject(2).analysis_id,
    );
    const row = await deliveryRow(deliveryId);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(3);
    expect(row.log).toEqual(
      Array.from({ length: 3 }, () => ({
        response_status: 500,
        error: 'the receiver answered 500',
      })),
    );
    // The same body bytes on every attempt: a retry is the same delivery.
    expect(new Set(target.received.map((r) => r.body.toString('utf8'))).size).toBe(1);
    expect(new Set(target.received.map((r) => r.headers['x-abtest-delivery'])).size).toBe(1);
  });

  it('succeeds on a later attempt after failures', async () => {
    const target = await receiver((n) => (n < 3 ? 503 : 200));
    const webhook = await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    const firing = await fireWebhooks(stack.deps, 'report.ready', subject(3), {}, noWait);
    expect(firing.delivered).toBe(1);
    const row = await deliveryRow(
      deliveryIdFor(webhook.webhook_id, 'report.ready', subject(3).analysis_id),
    );
    expect(row.status).toBe('delivered');
    expect(row.log.map((attempt) => attempt.response_status)).toEqual([503, 503, 200]);
  });

  it('delivers a (webhook, event, analysis) once, fired twice in turn or at once', async () => {
    const target = await receiver();
    await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    expect(await fireWebhooks(stack.deps, 'report.ready', subject(4), {}, noWait)).toEqual({
      delivered: 1,
      failed: 0,
      skipped: 0,
    });
    expect(await fireWebhooks(stack.deps, 'report.ready', subject(4), {}, noWait)).toEqual({
      delivered: 0,
      failed: 0,
      skipped: 1,
    });
    const together = await Promise.all([
      fireWebhooks(stack.deps, 'report.ready', subject(5), {}, noWait),
      fireWebhooks(stack.deps, 'report.ready', subject(5), {}, noWait),
    ]);
    expect(together.map((firing) => firing.delivered).sort()).toEqual([0, 1]);
    expect(target.received).toHaveLength(2);
    // A failed delivery is not retried by a second firing either.
    const failing = await receiver(() => 500);
    await createWebhook(stack.deps.db, {
      url: failing.url,
      experiment_id: 'other',
      events: ['report.ready'],
    });
    const other = { experiment_id: 'other', analysis_id: subject(6).analysis_id };
    await fireWebhooks(stack.deps, 'report.ready', other, {}, noWait);
    await fireWebhooks(stack.deps, 'report.ready', other, {}, noWait);
    expect(failing.received).toHaveLength(3);
  });

  it('bounds each attempt with a timeout and records it', async () => {
    const target = await receiver(() => 'hang');
    const webhook = await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    const firing = await fireWebhooks(
      stack.deps,
      'report.ready',
      subject(7),
      {},
      {
        ...noWait,
        attempts: 1,
        timeoutMs: 200,
      },
    );
    expect(firing.failed).toBe(1);
    const row = await deliveryRow(
      deliveryIdFor(webhook.webhook_id, 'report.ready', subject(7).analysis_id),
    );
    expect(row.log).toEqual([{ response_status: null, error: 'no answer within 200 ms' }]);
  });

  it('records a refused connection and a redirect (not followed) as failed attempts', async () => {
    const closed = await receiver();
    await closed.close();
    const redirecting = await receiver(() => 302);
    const a = await createWebhook(stack.deps.db, {
      url: closed.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    const b = await createWebhook(stack.deps.db, {
      url: redirecting.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    const firing = await fireWebhooks(
      stack.deps,
      'report.ready',
      subject(8),
      {},
      { ...noWait, attempts: 1 },
    );
    expect(firing).toEqual({ delivered: 0, failed: 2, skipped: 0 });
    const refused = await deliveryRow(
      deliveryIdFor(a.webhook_id, 'report.ready', subject(8).analysis_id),
    );
    expect(refused.log[0]?.response_status).toBeNull();
    expect(refused.log[0]?.error).toMatch(/^request failed: .*ECONNREFUSED/);
    const moved = await deliveryRow(
      deliveryIdFor(b.webhook_id, 'report.ready', subject(8).analysis_id),
    );
    expect(moved.log).toEqual([{ response_status: 302, error: 'the receiver answered 302' }]);
  });

  it('selects webhooks by experiment and event, skips deleted ones, and adds configured URLs', async () => {
    const mine = await receiver();
    const others = await receiver();
    const configured = await receiver();
    await createWebhook(stack.deps.db, {
      url: mine.url,
      experiment_id: 'checkout-redesign',
      events: ['analysis.completed'],
    });
    await createWebhook(stack.deps.db, {
      url: others.url,
      experiment_id: 'another-test',
      events: ['analysis.completed'],
    });
    const deleted = await createWebhook(stack.deps.db, {
      url: others.url,
      experiment_id: null,
      events: ['analysis.completed'],
    });
    await deleteWebhook(stack.deps.db, deleted.webhook_id);
    await createWebhook(stack.deps.db, {
      url: others.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    const configSecret = 'config-secret-0123456789';
    const deps: StageDeps = {
      ...stack.deps,
      config: { ...stack.deps.config, webhookUrls: [configured.url], webhookSecret: configSecret },
    };
    const firing = await fireWebhooks(
      deps,
      'analysis.completed',
      subject(9),
      { users: 3000 },
      noWait,
    );
    expect(firing).toEqual({ delivered: 2, failed: 0, skipped: 0 });
    expect(mine.received).toHaveLength(1);
    expect(others.received).toHaveLength(0);
    expect(configured.received).toHaveLength(1);
    const request = configured.received[0];
    expect(request?.headers['x-abtest-delivery']).toBe(
      deliveryIdFor(
        configuredWebhooks(deps.config)[0]?.webhook_id ?? '',
        'analysis.completed',
        subject(9).analysis_id,
      ),
    );
    expect(
      verifyWebhookSignature(
        configSecret,
        request?.headers['x-abtest-signature'] as string,
        request?.body ?? '',
        300,
      ),
    ).toBe(true);
  });

  it('never throws into the stage, even when the database fails', async () => {
    const broken: StageDeps = {
      ...stack.deps,
      db: {
        ...stack.deps.db,
        query: async () => {
          throw new Error('connection lost');
        },
      },
    };
    await expect(fireWebhooks(broken, 'report.ready', subject(10), {}, noWait)).resolves.toEqual({
      delivered: 0,
      failed: 0,
      skipped: 0,
    });
  });
});
