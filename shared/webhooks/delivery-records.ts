/**
 * The `webhook_deliveries` and `webhook_attempts` tables. A delivery is one (webhook, event,
 * analysis): its id is derived from those three, so a redelivered message finds the delivery
 * already there and does not send it again. A worker claims a delivery before sending; a claim
 * left by a crashed worker lapses after {@link claimLeaseSeconds} and may be taken again.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../adapters/database/database.ts';
import type { WebhookEvent } from './webhook-records.ts';

/** How long a claim on a delivery holds before another worker may retry it. */
export const claimLeaseSeconds = 900;

/** Where a delivery stands. */
export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed';

/** A delivery as stored. */
export interface DeliveryRecord {
  readonly delivery_id: string;
  readonly webhook_id: string;
  readonly event: WebhookEvent;
  readonly experiment_id: string;
  readonly analysis_id: string;
  readonly url: string;
  readonly body: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly response_status: number | null;
  readonly last_error: string | null;
  readonly created_at: Date;
  readonly completed_at: Date | null;
}

/** One attempt of a delivery. */
export interface AttemptRecord {
  readonly delivery_id: string;
  readonly attempt: number;
  readonly response_status: number | null;
  readonly error: string | null;
  readonly duration_ms: number;
  readonly attempted_at: Date;
}

/**
 * The id of the delivery of an event about an analysis to a webhook.
 * @param webhookId - the webhook
 * @param event - the event
 * @param analysisId - the analysis
 * @returns `whd_` and 24 hexadecimal digits
 * @example deliveryIdFor('wh_1', 'report.ready', 'an_1')
 */
export function deliveryIdFor(webhookId: string, event: WebhookEvent, analysisId: string): string {
  const digest = createHash('sha256').update(`${webhookId}\n${event}\n${analysisId}`).digest('hex');
  return `whd_${digest.slice(0, 24)}`;
}

/**
 * Creates the delivery unless it exists, then claims it when it is still to be sent (new, or
 * left half-done by a worker whose lease lapsed).
 * @param db - the database
 * @param delivery - the delivery's identity, target and exact body
 * @returns the claimed delivery (with the attempts made so far), or undefined when it was
 *   delivered, failed, or is being delivered by another worker
 * @example const claimed = await claimDelivery(db, { delivery_id, webhook_id, ... })
 */
export async function claimDelivery(
  db: Queryable,
  delivery: Pick<
    DeliveryRecord,
    'delivery_id' | 'webhook_id' | 'event' | 'experiment_id' | 'analysis_id' | 'url' | 'body'
  >,
): Promise<DeliveryRecord | undefined> {
  await db.query(
    `INSERT INTO webhook_deliveries (delivery_id, webhook_id, event, experiment_id, analysis_id,
       url, body) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [
      delivery.delivery_id,
      delivery.webhook_id,
      delivery.event,
      delivery.experiment_id,
      delivery.analysis_id,
      delivery.url,
      delivery.body,
    ],
  );
  const claimed = await db.query<DeliveryRecord>(
    `UPDATE webhook_deliveries SET status = 'delivering', claimed_at = now(), updated_at = now()
     WHERE delivery_id = $1 AND (status = 'pending' OR (status = 'delivering'
       AND claimed_at < now() - make_interval(secs => $2)))
     RETURNING delivery_id, webhook_id, event, experiment_id, analysis_id, url, body, status,
       attempts, response_status, last_error, created_at, completed_at`,
    [delivery.delivery_id, claimLeaseSeconds],
  );
  return claimed.rows[0];
}

/**
 * Records one attempt and counts it on the delivery.
 * @param db - the database
 * @param attempt - which attempt, its outcome and duration
 * @example await recordAttempt(db, { delivery_id, attempt: 1, response_status: 500, error: null, duration_ms: 12 })
 */
export async function recordAttempt(
  db: Queryable,
  attempt: Omit<AttemptRecord, 'attempted_at'>,
): Promise<void> {
  await db.query(
    `INSERT INTO webhook_attempts (delivery_id, attempt, response_status, error, duration_ms)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [
      attempt.delivery_id,
      attempt.attempt,
      attempt.response_status,
      attempt.error,
      Math.round(attempt.duration_ms),
    ],
  );
  await db.query(
    `UPDATE webhook_deliveries SET attempts = GREATEST(attempts, $2), response_status = $3,
       last_error = $4, updated_at = now() WHERE delivery_id = $1`,
    [attempt.delivery_id, attempt.attempt, attempt.response_status, attempt.error],
  );
}

/**
 * Closes a delivery: delivered, or failed after its last attempt.
 * @param db - the database
 * @param deliveryId - the delivery
 * @param status - how it ended
 * @example await finishDelivery(db, 'whd_1', 'delivered')
 */
export async function finishDelivery(
  db: Queryable,
  deliveryId: string,
  status: 'delivered' | 'failed',
): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET status = $2, completed_at = now(), updated_at = now()
     WHERE delivery_id = $1`,
    [deliveryId, status],
  );
}

/**
 * The delivery history of a webhook, newest first, each with its attempts in order.
 * @param db - the database
 * @param webhookId - the webhook
 * @param limit - at most this many deliveries
 * @returns the deliveries and their attempts
 * @example await deliveryHistory(db, 'wh_0123456789abcdef01234567', 50)
 */
export async function deliveryHistory(
  db: Queryable,
  webhookId: string,
  limit: number,
): Promise<{ delivery: DeliveryRecord; attempts: AttemptRecord[] }[]> {
  const deliveries = await db.query<DeliveryRecord>(
    `SELECT delivery_id, webhook_id, event, experiment_id, analysis_id, url, body, status,
       attempts, response_status, last_error, created_at, completed_at
     FROM webhook_deliveries WHERE webhook_id = $1
     ORDER BY created_at DESC, delivery_id LIMIT $2`,
    [webhookId, limit],
  );
  const ids = deliveries.rows.map((row) => row.delivery_id);
  const attempts =
    ids.length === 0
      ? { rows: [] as AttemptRecord[] }
      : await db.query<AttemptRecord>(
          `SELECT delivery_id, attempt, response_status, error, duration_ms, attempted_at
           FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempt`,
          [ids],
        );
  return deliveries.rows.map((delivery) => ({
    delivery,
    attempts: attempts.rows.filter((attempt) => attempt.delivery_id === delivery.delivery_id),
  }));
}
