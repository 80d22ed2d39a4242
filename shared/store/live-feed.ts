/**
 * The live feed: what `GET /v1/stream` sends, written as rows of `live_events` in the
 * transaction of the state each announces (a validated batch seen by the monitor, an analysis,
 * a snapshot, an alert opened or updated). Every instance reads the same rows, so a client
 * connected to any of them sees every event, and resumes after the id it last saw.
 */
import type { Queryable } from '../adapters/database/database.ts';

/** The types of live event. */
export const liveEventTypes = [
  'batch.validated',
  'analysis.completed',
  'snapshot',
  'alert.opened',
  'alert.updated',
] as const;
export type LiveEventType = (typeof liveEventTypes)[number];

/** One event of the feed. */
export interface LiveFeedEvent {
  /** The SSE id (`Last-Event-ID`): increasing. */
  readonly id: number;
  readonly type: LiveEventType;
  readonly experiment_id: string | null;
  readonly data: unknown;
  readonly created_at: Date;
}

/**
 * Appends an event to the feed; the same key twice is one event (a redelivered message).
 * @param tx - the transaction writing the state the event is about
 * @param event - its type, experiment, data and deduplication key
 * @returns whether it is new (false: this key was appended before)
 * @example await appendLiveEvent(tx, { type: 'snapshot', experimentId: 'exp1', data, key: 'snapshot:exp1:2026-01-01T00:00:00Z' })
 */
export async function appendLiveEvent(
  tx: Queryable,
  event: {
    readonly type: LiveEventType;
    readonly experimentId: string | null;
    readonly data: unknown;
    readonly key: string;
  },
): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO live_events (dedupe_key, experiment_id, type, data) VALUES ($1, $2, $3, $4)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING 1`,
    [`${event.type}:${event.key}`, event.experimentId, event.type, JSON.stringify(event.data)],
  );
  return inserted.rows.length > 0;
}

/**
 * The events after an id, oldest first.
 * @param db - the database
 * @param afterId - the last id the client has (0: from the start of what is kept)
 * @param experimentId - only this experiment's events (and those of none), when given
 * @param limit - at most this many
 * @returns the events
 * @example await liveEventsAfter(db, 41, 'exp1', 100)
 */
export async function liveEventsAfter(
  db: Queryable,
  afterId: number,
  experimentId: string | undefined,
  limit: number,
): Promise<LiveFeedEvent[]> {
  const result = await db.query<{
    event_id: string | number;
    type: LiveEventType;
    experiment_id: string | null;
    data: unknown;
    created_at: Date;
  }>(
    `SELECT event_id, type, experiment_id, data, created_at FROM live_events
     WHERE event_id > $1 AND ($2::text IS NULL OR experiment_id = $2)
     ORDER BY event_id LIMIT $3`,
    [afterId, experimentId ?? null, limit],
  );
  return result.rows.map((row) => ({
    id: Number(row.event_id),
    type: row.type,
    experiment_id: row.experiment_id,
    data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
    created_at: row.created_at,
  }));
}

/**
 * The id of the newest event (0 when none): where a client without `Last-Event-ID` starts.
 * @param db - the database
 * @returns the id
 * @example await latestLiveEventId(db)
 */
export async function latestLiveEventId(db: Queryable): Promise<number> {
  const result = await db.query<{ id: string | number | null }>(
    'SELECT max(event_id) AS id FROM live_events',
  );
  return Number(result.rows[0]?.id ?? 0);
}

/**
 * Forgets events older than a time (a client away longer resumes from what is kept).
 * @param db - the database
 * @param before - events created before this go
 * @returns how many went
 * @example await pruneLiveEvents(db, new Date(Date.now() - 7 * 86_400_000))
 */
export async function pruneLiveEvents(db: Queryable, before: Date): Promise<number> {
  const result = await db.query('DELETE FROM live_events WHERE created_at < $1', [before]);
  return result.rowCount;
}
