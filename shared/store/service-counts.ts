/**
 * Counts an operator watches, read from the database so every instance reports the same:
 * batches by how far they got, and the bus's backlog and dead letters.
 */
import type { Queryable } from '../adapters/database/database.ts';

/** Batches ever received, and how many ended validated, rejected or failed. */
export interface BatchCounts {
  readonly received: number;
  readonly validated: number;
  readonly rejected: number;
  readonly failed: number;
}

/** The bus's messages still to deliver, and those given up on. */
export interface BusCounts {
  /** Outbox messages not yet relayed (of the topics given), and in-process deliveries pending. */
  readonly pending: number;
  /** In-process deliveries that failed every attempt (Pub/Sub keeps its own in the dead-letter topic). */
  readonly deadLettered: number;
}

/**
 * Counts the batches: every batch was received first, so `received` only grows, and each
 * terminal status only grows too (the counts behave as Prometheus counters).
 * @param db - the database
 * @returns the counts
 * @example (await batchCounts(db)).validated
 */
export async function batchCounts(db: Queryable): Promise<BatchCounts> {
  const result = await db.query<BatchCounts>(
    `SELECT count(*)::int AS received,
       count(*) FILTER (WHERE status = 'validated')::int AS validated,
       count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
       count(*) FILTER (WHERE status = 'failed')::int AS failed
     FROM ingest_batches`,
  );
  return result.rows[0] ?? { received: 0, validated: 0, rejected: 0, failed: 0 };
}

/**
 * Counts the bus's backlog and dead letters.
 * @param db - the database
 * @param relayed - the topics whose unsent outbox rows are waiting to be relayed (the in-process
 *   bus relays only the topics something subscribes to); undefined for every topic
 * @returns the counts
 * @example (await busCounts(db, undefined)).pending
 */
export async function busCounts(
  db: Queryable,
  relayed: readonly string[] | undefined,
): Promise<BusCounts> {
  const result = await db.query<{ pending: number; dead_lettered: number }>(
    `SELECT
       (SELECT count(*) FROM outbox_messages
        WHERE sent_at IS NULL AND ($1::text[] IS NULL OR topic = ANY($1)))::int
         + (SELECT count(*) FROM bus_deliveries WHERE status = 'pending')::int AS pending,
       (SELECT count(*) FROM bus_deliveries WHERE status = 'dead')::int AS dead_lettered`,
    [relayed ?? null],
  );
  const row = result.rows[0];
  return { pending: row?.pending ?? 0, deadLettered: row?.dead_lettered ?? 0 };
}
