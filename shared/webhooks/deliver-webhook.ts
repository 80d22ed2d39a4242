/**
 * Sends one claimed delivery: a signed JSON POST per attempt, each bounded by a timeout, retried
 * with exponential backoff until it succeeds (any 2xx) or the attempts run out; every attempt
 * is recorded, and the delivery is closed as `delivered` or `failed`. Redirects are not
 * followed (a 3xx is a failed attempt), so a delivery reaches only the registered URL.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Queryable } from '../adapters/database/database.ts';
import { finishDelivery, recordAttempt, type DeliveryRecord } from './delivery-records.ts';
import { signWebhookBody } from './webhook-signature.ts';

/** How deliveries are attempted; tests shorten the delays. */
export interface DeliveryPolicy {
  /** Attempts per delivery, the first included. */
  readonly attempts: number;
  /** The most one attempt may take, connection and response headers included. */
  readonly timeoutMs: number;
  /** The wait after failed attempt `attempt` (1-based) before the next one. */
  readonly backoffMs: (attempt: number) => number;
  /** Waits; replaced in tests so retries take no time. */
  readonly sleep: (ms: number) => Promise<void>;
  /** The signing clock, in seconds since the epoch. */
  readonly nowSeconds: () => number;
}

/**
 * The default policy: 3 attempts, waits of 1 s then 2 s.
 * @param timeoutMs - the per-attempt timeout
 * @returns the policy
 * @example defaultDeliveryPolicy(10_000).backoffMs(2) // 2000
 */
export function defaultDeliveryPolicy(timeoutMs: number): DeliveryPolicy {
  return {
    attempts: 3,
    timeoutMs,
    backoffMs: (attempt) => 1000 * 2 ** (attempt - 1),
    sleep: (ms) => delay(ms),
    nowSeconds: () => Date.now() / 1000,
  };
}

/** What one attempt met. */
interface AttemptOutcome {
  readonly ok: boolean;
  readonly responseStatus: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/**
 * Delivers a claimed delivery to its URL.
 * @param db - the database recording the attempts
 * @param secret - the webhook's signing secret
 * @param delivery - the claimed delivery (its `attempts` so far count against the policy)
 * @param policy - attempts, timeout and backoff
 * @returns how it ended
 * @example await deliverClaimed(db, secret, claimed, defaultDeliveryPolicy(10_000))
 */
export async function deliverClaimed(
  db: Queryable,
  secret: string,
  delivery: DeliveryRecord,
  policy: DeliveryPolicy,
): Promise<'delivered' | 'failed'> {
  for (let attempt = delivery.attempts + 1; attempt <= policy.attempts; attempt += 1) {
    const outcome = await sendOnce(secret, delivery, policy);
    await recordAttempt(db, {
      delivery_id: delivery.delivery_id,
      attempt,
      response_status: outcome.responseStatus,
      error: outcome.error,
      duration_ms: outcome.durationMs,
    });
    if (outcome.ok) {
      await finishDelivery(db, delivery.delivery_id, 'delivered');
      return 'delivered';
    }
    if (attempt < policy.attempts) await policy.sleep(policy.backoffMs(attempt));
  }
  await finishDelivery(db, delivery.delivery_id, 'failed');
  return 'failed';
}

async function sendOnce(
  secret: string,
  delivery: DeliveryRecord,
  policy: DeliveryPolicy,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(policy.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'abtest-webhooks/1',
        'x-abtest-event': delivery.event,
        'x-abtest-delivery': delivery.delivery_id,
        'x-abtest-signature': signWebhookBody(secret, delivery.body, policy.nowSeconds()),
      },
      body: delivery.body,
    });
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      responseStatus: response.status,
      error: ok ? null : `the receiver answered ${response.status}`,
      durationMs: elapsed(),
    };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return {
      ok: false,
      responseStatus: null,
      error: timedOut
        ? `no answer within ${policy.timeoutMs} ms`
        : `request failed: ${describe(error)}`,
      durationMs: elapsed(),
    };
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
