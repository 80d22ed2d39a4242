/**
 * The `webhook_deliveries` and `webhook_attempts` tables: the webhook queue. A delivery is one
 * (webhook, event, analysis): its id is derived from those three, so an event announced twice
 * (a redelivered message) finds the delivery already there. It is created `pending` in the
 * transaction of the state it announces, with the exact body every attempt sends; a worker
 * claims it for one attempt at a time (a claim left by a crashed worker lapses), and it ends
 * `delivered` or `failed`. The history keeps outcomes as reason classes, never a receiver's
 * error text (which would make it a port scanner).
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../adapters/database/database.ts';
import type { WebhookEvent } from './webhook-records.ts';

/** Where a delivery stands. */
export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed';

/** Why an attempt (or a delivery) failed, as the history shows it. */
export const failureReasons = [
  'address_not_allowed',
  'dns_error',
  'connection_error',
  'timeout',
  'http_3xx',
  'http_4xx',
  'http_5xx',
  'http_other',
  'webhook_deleted',
] as const;

/** A class of failure. */
export type FailureReason = (typeof failureReasons)[number];

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
  /** The reason class of the last failed attempt (the delivery's, once failed). */
  readonly last_error: FailureReason | null;
  readonly created_at: Date;
  readonly completed_at: Date | null;
}

/** A new delivery: its identity, target and exact body. */
export type NewDelivery = Pick<
  DeliveryRecord,
  'delivery_id' | 'webhook_id' | 'event' | 'experiment_id' | 'analysis_id' | 'url' | 'body'
>;

/** One attempt of a delivery. */
export interface AttemptRecord {
  readonly delivery_id: string;
  readonly attempt: number;
  /** Null when it was delivered. */
  readonly error: FailureReason | null;
  readonly attempted_at: Date;
}

const deliveryColumns = `delivery_id, webhook_id, event, experiment_id, analysis_id, url, body,
  status, attempts, last_error, created_at, completed_at`;

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
 * Creates deliveries that do not exist yet, in one statement.
 * @param tx - the transaction of the state they announce
 * @param deliveries - the deliveries
 * @returns the ids of those created now (the others existed)
 * @example await insertDeliveries(tx, [{ delivery_id, webhook_id, event, ... }])
 */
export async function insertDeliveries(
  tx: Queryable,
  deliveries: readonly NewDelivery[],
): Promise<string[]> {
  if (deliveries.length === 0) return [];
  const column = <K extends keyof NewDelivery>(key: K) => deliveries.map((d) => d[key]);
  const result = await tx.query<{ delivery_id: string }>(
    `INSERT INTO webhook_deliveries (delivery_id, webhook_id, event, experiment_id, analysis_id,
       url, body)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
       $7::text[])
     ON CONFLICT DO NOTHING RETURNING delivery_id`,
    [
      column('delivery_id'),
      column('webhook_id'),
      column('event'),
      column('experiment_id'),
      column('analysis_id'),
      column('url'),
      column('body'),
    ],
  );
  return result.rows.map((row) => row.delivery_id);
}

/**
 * Claims a delivery for one attempt: it must be pending, or claimed by a worker whose lease
 * lapsed (a crash). The attempt is counted now, so one lost to a crash still counts.
 * @param db - the database
 * @param deliveryId - the delivery
 * @param leaseSeconds - how long the claim holds against other workers
 * @returns the delivery with its attempt number in `attempts`, or undefined when it is not
 *   claimable (done, unknown, or under way elsewhere)
 * @example const claimed = await claimDelivery(db, 'whd_1', 40)
 */
export async function claimDelivery(
  db: Queryable,
  deliveryId: string,
  leaseSeconds: number,
): Promise<DeliveryRecord | undefined> {
  const claimed = await db.query<DeliveryRecord>(
    `UPDATE webhook_deliveries SET status = 'delivering', claimed_at = now(),
       attempts = attempts + 1, updated_at = now()
     WHERE delivery_id = $1 AND (status = 'pending' OR (status = 'delivering'
       AND claimed_at < now() - make_interval(secs => $2)))
     RETURNING ${deliveryColumns}`,
    [deliveryId, leaseSeconds],
  );
  return claimed.rows[0];
}

/**
 * Reads a delivery.
 * @param db - the database
 * @param deliveryId - the delivery
 * @returns it, or undefined
 * @example await findDelivery(db, 'whd_1')
 */
export async function findDelivery(
  db: Queryable,
  deliveryId: string,
): Promise<DeliveryRecord | undefined> {
  const result = await db.query<DeliveryRecord>(
    `SELECT ${deliveryColumns} FROM webhook_deliveries WHERE delivery_id = $1`,
    [deliveryId],
  );
  return result.rows[0];
}

/**
 * Records the outcome of a claimed attempt and moves the delivery on: `delivered`, `failed`,
 * or back to `pending` for another attempt.
 * @param db - the database
 * @param outcome - the attempt, its failure reason (null: delivered), the receiver's status
 *   (kept for operators, not shown), its duration, and where the delivery goes next
 * @example await recordAttempt(db, { delivery_id, attempt: 1, error: null, response_status: 204, duration_ms: 12, next: 'delivered' })
 */
export async function recordAttempt(
  db: Queryable,
  outcome: {
    readonly delivery_id: string;
    readonly attempt: number;
    readonly error: FailureReason | null;
    readonly response_status: number | null;
    readonly duration_ms: number;
    readonly next: 'delivered' | 'failed' | 'pending';
  },
): Promise<void> {
  await db.query(
    `INSERT INTO webhook_attempts (delivery_id, attempt, response_status, error, duration_ms)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [
      outcome.delivery_id,
      outcome.attempt,
      outcome.response_status,
      outcome.error,
      Math.round(outcome.duration_ms),
    ],
  );
  await db.query(
    `UPDATE webhook_deliveries SET status = $2, last_error = $3, response_status = $4,
       claimed_at = NULL, updated_at = now(),
       completed_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END
     WHERE delivery_id = $1`,
    [outcome.delivery_id, outcome.next, outcome.error, outcome.response_status],
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
    `SELECT ${deliveryColumns} FROM webhook_deliveries WHERE webhook_id = $1
     ORDER BY created_at DESC, delivery_id LIMIT $2`,
    [webhookId, limit],
  );
  const ids = deliveries.rows.map((row) => row.delivery_id);
  const attempts =
    ids.length === 0
      ? { rows: [] as AttemptRecord[] }
      : await db.query<AttemptRecord>(
          `SELECT delivery_id, attempt, error, attempted_at
           FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempt`,
          [ids],
        );
  return deliveries.rows.map((delivery) => ({
    delivery,
    attempts: attempts.rows.filter((attempt) => attempt.delivery_id === delivery.delivery_id),
  }));
}
