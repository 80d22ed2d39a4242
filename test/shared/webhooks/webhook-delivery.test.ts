/**
 * The webhook queue against loopback receivers (ABTEST_WEBHOOK_ALLOW_PRIVATE=true): an event is
 * announced in a transaction (as the stages do) and delivered by the `webhooks` subscription
 * of an in-process bus with short backoffs. A signed POST a receiver can verify; retries with
 * the same delivery id and body, then a failure recorded as a reason class; a timeout per
 * attempt; one delivery per (webhook, event, analysis); the webhooks an event selects; a
 * receiver that hangs holds up no other; an address refused, a webhook deleted: no request.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  inProcessBus,
  type InProcessBus,
} from '../../../shared/adapters/event-bus/in-process-bus.ts';
import type { Config } from '../../../shared/config/load-config.ts';
import { silentLogger } from '../../../shared/logging/logger.ts';
import { chainSubscriptions } from '../../../shared/stages/chain-subscriptions.ts';
import type { StageDeps } from '../../../shared/stages/stage-deps.ts';
import { deliveryHistory, deliveryIdFor } from '../../../shared/webhooks/delivery-records.ts';
import { enqueueWebhookEvent } from '../../../shared/webhooks/enqueue-webhook-event.ts';
import {
  configuredWebhooks,
  createWebhook,
  deleteWebhook,
  type WebhookEvent,
} from '../../../shared/webhooks/webhook-records.ts';
import { verifyWebhookSignature } from '../../../shared/webhooks/webhook-signature.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';
import { startReceiver, type WebhookReceiver } from '../../support/webhook-receiver.ts';

let stack: LocalStack;
const receivers: WebhookReceiver[] = [];
const buses: InProcessBus[] = [];

const receiver = async (answer?: (n: number) => number | 'hang') => {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
};

const subject = (n: number, experimentId = 'checkout-redesign') => ({
  experiment_id: experimentId,
  analysis_id: `an_${n.toString(16).padStart(24, '0')}`,
});

/** A bus delivering webhooks only, with millisecond backoffs, over the stack's database. */
async function webhookBus(config: Config = stack.deps.config) {
  const bus = inProcessBus(stack.deps.db, {
    logger: silentLogger,
    minBackoffMs: 1,
    maxBackoffMs: 4,
  });
  buses.push(bus);
  const deps: StageDeps = { ...stack.deps, bus, config };
  const webhooks = chainSubscriptions.find((s) => s.name === 'webhooks');
  if (webhooks === undefined) throw new Error('no webhooks subscription');
  await bus.subscribe(
    webhooks.topic,
    webhooks.name,
    (m) => webhooks.handle(deps, m),
    webhooks.delivery,
  );
  return bus;
}

/** Announces an event as a stage does, in a transaction. */
async function announce(
  event: WebhookEvent,
  about: { experiment_id: string; analysis_id: string },
  data: unknown,
  config: Config = stack.deps.config,
) {
  return stack.deps.db.transaction((tx) => enqueueWebhookEvent(tx, config, event, about, data));
}

async function settle(bus: InProcessBus) {
  await bus.flush();
  await bus.idle();
}

async function history(webhookId: string) {
  return (await deliveryHistory(stack.deps.db, webhookId, 10)).map(({ delivery, attempts }) => ({
    status: delivery.status,
    attempts: delivery.attempts,
    last_error: delivery.last_error,
    log: attempts.map((attempt) => attempt.error),
  }));
}

beforeAll(async () => {
  stack = await openLocalStack({ ABTEST_WEBHOOK_ALLOW_PRIVATE: 'true' });
});

beforeEach(async () => {
  await stack.deps.db.query('UPDATE webhooks SET deleted_at = now() WHERE deleted_at IS NULL');
});

// One bus at a time holds the `webhooks` subscription: each test's own, with its settings.
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack.close();
});

describe('webhook deliveries', () => {
  it('POST a JSON body signed over its exact bytes, which the receiver verifies', async () => {
    const bus = await webhookBus();
    const target = await receiver();
    const webhook = await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: 'checkout-redesign',
      events: ['report.ready'],
    });
    const payload = { pdf: '/v1/x.pdf', csv: '/v1/x.csv' };
    const created = await announce('report.ready', subject(1), payload);
    const deliveryId = deliveryIdFor(webhook.webhook_id, 'report.ready', subject(1).analysis_id);
    expect(created).toEqual([deliveryId]);
    await settle(bus);

    expect(target.received).toHaveLength(1);
    const [request] = target.received;
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
    expect(JSON.parse(request?.body.toString('utf8') ?? '{}')).toMatchObject({
      delivery_id: deliveryId,
      event: 'report.ready',
      ...subject(1),
      data: payload,
    });
    expect(await history(webhook.webhook_id)).toEqual([
      { status: 'delivered', attempts: 1, last_error: null, log: [null] },
    ]);
  });

  it('retries with the same delivery id and body, then records the failure as a reason class', async () => {
    const bus = await webhookBus();
    const target = await receiver(() => 500);
    const webhook = await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: null,
      events: ['analysis.completed'],
    });
    await announce('analysis.completed', subject(2), null);
    await settle(bus);

    expect(target.received).toHaveLength(5);
    expect(new Set(target.received.map((r) => r.body.toString('utf8'))).size).toBe(1);
    expect(new Set(target.received.map((r) => r.headers['x-abtest-delivery'])).size).toBe(1);
    expect(await history(webhook.webhook_id)).toEqual([
      { status: 'failed', attempts: 5, last_error: 'http_5xx', log: Array(5).fill('http_5xx') },
    ]);
    // Failed, recorded and acknowledged: not a dead letter of the bus.
    expect(await bus.deadLetters()).toEqual([]);
  });

  it('succeeds on a later attempt after failures', async () => {
    const bus = await webhookBus();
    const target = await receiver((n) => (n < 3 ? 503 : 200));
    const webhook = await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    await announce('report.ready', subject(3), {});
    await settle(bus);
    expect(await history(webhook.webhook_id)).toEqual([
      { status: 'delivered', attempts: 3, last_error: null, log: ['http_5xx', 'http_5xx', null] },
    ]);
  });

  it('delivers a (webhook, event, analysis) once, announced twice in turn or at once', async () => {
    const bus = await webhookBus();
    const target = await receiver();
    await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    expect(await announce('report.ready', subject(4), {})).toHaveLength(1);
    expect(await announce('report.ready', subject(4), {})).toEqual([]);
    await Promise.all([
      announce('report.ready', subject(5), {}),
      announce('report.ready', subject(5), {}),
    ]);
    await settle(bus);
    expect(
      target.received.map((r) => JSON.parse(r.body.toString('utf8')).analysis_id).sort(),
    ).toEqual([subject(4).analysis_id, subject(5).analysis_id]);
  });

  it('bounds each attempt with the timeout (a receiver that never answers)', async () => {
    const config = { ...stack.deps.config, webhookTimeoutSeconds: 0.3 };
    const bus = await webhookBus(config);
    const target = await receiver(() => 'hang');
    const webhook = await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    await announce('report.ready', subject(6), {}, config);
    await settle(bus);
    expect(await history(webhook.webhook_id)).toEqual([
      { status: 'failed', attempts: 5, last_error: 'timeout', log: Array(5).fill('timeout') },
    ]);
  });

  it('records a refused connection and a redirect (never followed) as failed attempts', async () => {
    const bus = await webhookBus();
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
    await announce('report.ready', subject(7), {});
    await settle(bus);
    expect((await history(a.webhook_id))[0]).toMatchObject({
      status: 'failed',
      last_error: 'connection_error',
    });
    expect((await history(b.webhook_id))[0]).toMatchObject({
      status: 'failed',
      last_error: 'http_3xx',
    });
    expect(redirecting.received).toHaveLength(5);
  });

  it('selects webhooks by experiment and event, skips deleted ones, adds configured URLs', async () => {
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
    const config = {
      ...stack.deps.config,
      webhookUrls: [configured.url],
      webhookSecret: configSecret,
    };
    const configBus = await webhookBus(config);
    await announce('analysis.completed', subject(9), { users: 3000 }, config);
    await settle(configBus);
    expect(mine.received).toHaveLength(1);
    expect(others.received).toHaveLength(0);
    expect(configured.received).toHaveLength(1);
    const request = configured.received[0];
    expect(request?.headers['x-abtest-delivery']).toBe(
      deliveryIdFor(
        configuredWebhooks(config)[0]?.webhook_id ?? '',
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

  it('lets no receiver hold up another: one hangs, the other is delivered meanwhile', async () => {
    const config = { ...stack.deps.config, webhookTimeoutSeconds: 60 };
    const bus = await webhookBus(config);
    const hanging = await receiver(() => 'hang');
    const quick = await receiver();
    const slow = await createWebhook(stack.deps.db, {
      url: hanging.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    await createWebhook(stack.deps.db, {
      url: quick.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    await announce('report.ready', subject(10), {}, config);
    await bus.flush();
    while (quick.received.length === 0 || hanging.received.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The quick receiver has its delivery while the other attempt still waits for an answer.
    expect((await history(slow.webhook_id))[0]?.status).toBe('delivering');
    await deleteWebhook(stack.deps.db, slow.webhook_id);
    await hanging.close();
    await bus.idle();
    expect((await history(slow.webhook_id))[0]).toMatchObject({
      status: 'failed',
      last_error: 'webhook_deleted',
    });
  });

  it('sends nothing to an address the settings refuse at delivery, or for a deleted webhook', async () => {
    const strict = { ...stack.deps.config, webhookAllowPrivate: false };
    const bus = await webhookBus(strict);
    const target = await receiver();
    // Registered while private addresses were allowed; delivered after they no longer are.
    const refused = await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: null,
      events: ['report.ready'],
    });
    await announce('report.ready', subject(11), {}, strict);
    await settle(bus);
    expect(await history(refused.webhook_id)).toEqual([
      {
        status: 'failed',
        attempts: 1,
        last_error: 'address_not_allowed',
        log: ['address_not_allowed'],
      },
    ]);
    expect(target.received).toHaveLength(0);

    await bus.close();
    await deleteWebhook(stack.deps.db, refused.webhook_id);
    const lenientBus = await webhookBus();
    const gone = await createWebhook(stack.deps.db, {
      url: target.url,
      experiment_id: 'gone-exp',
      events: ['report.ready'],
    });
    await announce('report.ready', subject(12, 'gone-exp'), {});
    await deleteWebhook(stack.deps.db, gone.webhook_id);
    await settle(lenientBus);
    expect(await history(gone.webhook_id)).toEqual([
      { status: 'failed', attempts: 1, last_error: 'webhook_deleted', log: ['webhook_deleted'] },
    ]);
    expect(target.received).toHaveLength(0);
  });
});
