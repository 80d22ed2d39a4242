/**
 * The webhook worker: one `abtest.webhook.delivery` message is one attempt of one delivery.
 * It claims the delivery, checks where its URL leads now (every resolved address), sends the
 * signed body once, and records the outcome as a reason class. A failed attempt throws a
 * TransientError, so the bus redelivers the message with its backoff; after the last attempt
 * (or at once when the address is refused or the webhook deleted) the delivery is `failed`
 * and the message acknowledged. Nothing here runs in a stage: a receiver that never answers
 * delays only its own delivery.
 */
import type { Queryable } from '../adapters/database/database.ts';
import { deliveryPolicy } from '../adapters/event-bus/event-bus.ts';
import type { Config } from '../config/load-config.ts';
import { TransientError } from '../errors/errors.ts';
import type { Logger } from '../logging/logger.ts';
import { redactUrl } from '../net/webhook-target.ts';
import {
  claimDelivery,
  findDelivery,
  recordAttempt,
  type DeliveryRecord,
  type FailureReason,
} from './delivery-records.ts';
import { sendWebhook, type SendOutcome } from './send-webhook.ts';
import { isRefusal, resolveWebhookAddress, type TargetRefusal } from './webhook-address.ts';
import { activeWebhook } from './webhook-records.ts';
import { signWebhookBody } from './webhook-signature.ts';

/** How deliveries are made. */
export const webhookDeliveryPolicy = {
  /** Attempts per delivery, the first included (the bus's own limit, so it never dead-letters first). */
  attempts: deliveryPolicy.maxAttempts,
  /** Deliveries made at once, apart from the chain. */
  concurrency: 8,
  /** The bus's backoff times this: 1 s, 2 s, 4 s, 8 s in-process; Pub/Sub's policy on GCP. */
  backoffScale: 10,
} as const;

/** Failures that another attempt would not change. */
const permanent: ReadonlySet<FailureReason> = new Set(['address_not_allowed', 'webhook_deleted']);

/** What the worker needs. */
export interface DeliveryPorts {
  readonly db: Queryable;
  readonly config: Config;
  readonly logger: Logger;
}

/**
 * Makes one attempt of a delivery.
 * @param ports - the database, settings and logger
 * @param deliveryId - the delivery
 * @param busAttempt - the message's delivery attempt (1-based), when the bus counts them
 * @param nowSeconds - the signing clock
 * @returns how the delivery stands after this attempt
 * @throws {TransientError} when the attempt failed and another will follow, or the delivery is
 *   under way elsewhere
 * @example await deliverWebhook({ db, config, logger }, 'whd_0123456789abcdef01234567', 1)
 */
export async function deliverWebhook(
  ports: DeliveryPorts,
  deliveryId: string,
  busAttempt = 1,
  nowSeconds: () => number = () => Date.now() / 1000,
): Promise<'delivered' | 'failed' | 'done before' | 'unknown'> {
  const timeoutMs = ports.config.webhookTimeoutSeconds * 1000;
  const claimed = await claimDelivery(ports.db, deliveryId, Math.ceil(timeoutMs / 1000) + 30);
  if (claimed === undefined) {
    const found = await findDelivery(ports.db, deliveryId);
    if (found === undefined) {
      ports.logger.warn('webhook delivery unknown, dropped', { delivery_id: deliveryId });
      return 'unknown';
    }
    if (found.status === 'delivered' || found.status === 'failed') return 'done before';
    throw new TransientError(`webhook delivery ${deliveryId} is under way elsewhere`);
  }
  const log = {
    delivery_id: deliveryId,
    webhook_id: claimed.webhook_id,
    event: claimed.event,
    experiment_id: claimed.experiment_id,
    analysis_id: claimed.analysis_id,
    url: redactUrl(claimed.url).url,
    attempt: claimed.attempts,
  };
  const outcome = await attempt(ports, claimed, timeoutMs, nowSeconds);
  const last =
    outcome.error === null ||
    permanent.has(outcome.error) ||
    claimed.attempts >= webhookDeliveryPolicy.attempts ||
    busAttempt >= webhookDeliveryPolicy.attempts;
  const next = outcome.error === null ? 'delivered' : last ? 'failed' : 'pending';
  await recordAttempt(ports.db, {
    delivery_id: deliveryId,
    attempt: claimed.attempts,
    error: outcome.error,
    response_status: outcome.responseStatus,
    duration_ms: outcome.durationMs,
    next,
  });
  if (next === 'delivered') {
    ports.logger.info('webhook delivered', log);
    return 'delivered';
  }
  ports.logger.warn(next === 'failed' ? 'webhook delivery failed' : 'webhook attempt failed', {
    ...log,
    reason: outcome.error,
    detail: outcome.detail,
  });
  if (next === 'failed') return 'failed';
  throw new TransientError(
    `webhook delivery ${deliveryId}: attempt ${claimed.attempts} failed (${outcome.error}), will retry`,
  );
}

async function attempt(
  ports: DeliveryPorts,
  delivery: DeliveryRecord,
  timeoutMs: number,
  nowSeconds: () => number,
): Promise<SendOutcome> {
  const started = performance.now();
  const failed = (error: FailureReason, detail: string): SendOutcome => ({
    error,
    responseStatus: null,
    detail,
    durationMs: performance.now() - started,
  });
  const webhook = await activeWebhook(ports.db, ports.config, delivery.webhook_id);
  if (webhook === undefined) return failed('webhook_deleted', 'the webhook was deleted');
  let timer: NodeJS.Timeout | undefined;
  const target = await Promise.race([
    resolveWebhookAddress(delivery.url, { allowPrivate: ports.config.webhookAllowPrivate }),
    new Promise<TargetRefusal>((resolve) => {
      timer = setTimeout(
        () => resolve({ reason: 'dns_error', detail: `no answer within ${timeoutMs} ms` }),
        timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  if (isRefusal(target)) return failed(target.reason, target.detail);
  const remainingMs = Math.max(1, timeoutMs - (performance.now() - started));
  const sent = await sendWebhook(
    {
      url: delivery.url,
      body: delivery.body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'abtest-webhooks/1',
        'x-abtest-event': delivery.event,
        'x-abtest-delivery': delivery.delivery_id,
        'x-abtest-signature': signWebhookBody(webhook.secret, delivery.body, nowSeconds()),
      },
    },
    target,
    remainingMs,
  );
  return { ...sent, durationMs: performance.now() - started };
}
