/**
 * The in-process EventBus: Pub/Sub's semantics inside one process, durable in PostgreSQL.
 * The outbox rows are fanned out into one `bus_deliveries` row per subscription; a delivery is
 * retried with exponential backoff when its handler throws and marked `dead` (kept, inspectable)
 * after five attempts. A delivery interrupted by a crash is still `pending` and is delivered
 * again after a restart: at least once, never lost.
 *
 * The chain's deliveries run one at a time, oldest first. A subscription given a `concurrency`
 * (webhook deliveries) runs in a lane of its own, that many at once, so a slow handler there
 * holds up neither the chain nor its neighbours. With `redeliver: N` (the
 * `ABTEST_BUS_REDELIVER` test setting) every delivery is made N times and the ready deliveries
 * are shuffled, to prove handlers idempotent and order-independent. When the database fails
 * (a restart), delivery is tried again with backoff, so nothing waits for a new message to be
 * noticed.
 */
import type { Logger } from '../../logging/logger.ts';
import type { Topic } from '../../messages/topics.ts';
import { traceCarrierOf } from '../../tracing/trace-context.ts';
import type { Database } from '../database/database.ts';
import { randomSource } from '../../random/random-source.ts';
import type { EventBus, MessageHandler, SubscriptionOptions } from './event-bus.ts';
import { backoffMs, deliveryPolicy } from './event-bus.ts';

/** A delivery that failed five times. */
export interface DeadLetter {
  readonly message_id: string;
  readonly subscription: string;
  readonly attempts: number;
  readonly last_error: string | null;
}

/** The in-process bus, with what a local runner needs besides the port. */
export interface InProcessBus extends EventBus {
  /** Resolves once every message has been delivered or dead-lettered. */
  idle(): Promise<void>;
  /** Deliveries that exhausted their attempts. */
  deadLetters(): Promise<DeadLetter[]>;
}

/** Settings of the in-process bus. */
export interface InProcessBusOptions {
  readonly logger: Logger;
  /** Deliver every message this many times, in shuffled order (default 1). */
  readonly redeliver?: number;
  readonly maxAttempts?: number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Seed of the shuffle used when redelivering. */
  readonly seed?: number;
  /**
   * Awaited before each delivery and each round of the bus's bookkeeping: a server lets the
   * requests under way finish first, so the chain's work in the background does not stand in
   * front of its answers.
   */
  readonly beforeDelivery?: () => Promise<void>;
}

interface ReadyDelivery {
  readonly message_id: string;
  readonly subscription: string;
  readonly topic: Topic;
  readonly payload: unknown;
  readonly trace_context: unknown;
  readonly attempts: number;
}

/**
 * Creates the in-process bus over a migrated database and starts delivering what it holds.
 * @param db - the database holding the outbox and the deliveries
 * @param options - logger, redelivery and backoff settings
 * @returns the bus
 * @example const bus = inProcessBus(db, { logger }); await bus.idle()
 */
export function inProcessBus(db: Database, options: InProcessBusOptions): InProcessBus {
  const redeliver = options.redeliver ?? 1;
  const maxAttempts = options.maxAttempts ?? deliveryPolicy.maxAttempts;
  const policy = {
    minBackoffMs: options.minBackoffMs ?? deliveryPolicy.minBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? deliveryPolicy.maxBackoffMs,
  };
  const subscriptions = new Map<string, Subscription>();
  const lanes = new Map<string, Lane>();
  const random = randomSource(options.seed ?? 20261126).next;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;

  /**
   * Moves unsent outbox messages to one delivery per subscription of their topic, a few
   * hundred per statement. A message of a topic nobody subscribes to yet waits for one.
   */
  const fanOut = async (): Promise<void> => {
    const routes = [...subscriptions].map(([name, entry]) => ({ name, topic: entry.topic }));
    if (routes.length === 0) return;
    const limit = 500;
    for (;;) {
      const moved = await db.query(
        `WITH due AS (
           SELECT message_id, topic FROM outbox_messages
           WHERE sent_at IS NULL AND topic = ANY($1)
           ORDER BY created_at, message_id LIMIT $3
         ), fanned AS (
           INSERT INTO bus_deliveries (message_id, subscription)
           SELECT due.message_id, route.name
           FROM due JOIN unnest($1::text[], $2::text[]) AS route(topic, name) USING (topic)
           ON CONFLICT DO NOTHING
         )
         UPDATE outbox_messages SET sent_at = now()
         WHERE message_id IN (SELECT message_id FROM due)`,
        [routes.map((route) => route.topic), routes.map((route) => route.name), limit],
      );
      if (moved.rowCount < limit) return;
    }
  };

  const readyDeliveries = async (lane: Lane, limit: number): Promise<ReadyDelivery[]> => {
    const names = [...lane.names];
    if (names.length === 0) return [];
    const result = await db.query<ReadyDelivery>(
      `SELECT d.message_id, d.subscription, m.topic, m.payload, m.trace_context, d.attempts
       FROM bus_deliveries d JOIN outbox_messages m USING (message_id)
       WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND d.subscription = ANY($1)
       ORDER BY d.next_attempt_at, m.created_at, d.message_id, d.subscription LIMIT $2`,
      [names, limit],
    );
    return [...result.rows];
  };

  /** Records the attempt before the handler runs, so a crash mid-handler still counts it. */
  const startAttempt = async (delivery: ReadyDelivery): Promise<number> => {
    const attempt = delivery.attempts + 1;
    await db.query(
      `UPDATE bus_deliveries SET attempts = $3, updated_at = now()
       WHERE message_id = $1 AND subscription = $2`,
      [delivery.message_id, delivery.subscription, attempt],
    );
    return attempt;
  };

  const runHandler = async (delivery: ReadyDelivery, attempt: number): Promise<unknown> => {
    const entry = subscriptions.get(delivery.subscription);
    try {
      await entry?.handler({
        id: delivery.message_id,
        topic: delivery.topic,
        data: delivery.payload,
        attempt,
        traceContext: traceCarrierOf(delivery.trace_context),
      });
      return undefined;
    } catch (error) {
      return error ?? new Error('handler failed');
    }
  };

  const settle = async (delivery: ReadyDelivery, attempt: number, error: unknown) => {
    if (error === undefined) {
      await db.query(
        `UPDATE bus_deliveries SET status = 'done', last_error = NULL, updated_at = now()
         WHERE message_id = $1 AND subscription = $2`,
        [delivery.message_id, delivery.subscription],
      );
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const dead = attempt >= maxAttempts;
    options.logger.warn(dead ? 'message dead-lettered' : 'delivery failed, will retry', {
      message_id: delivery.message_id,
      subscription: delivery.subscription,
      attempt,
      error: message,
    });
    const scale = subscriptions.get(delivery.subscription)?.options.backoffScale ?? 1;
    await db.query(
      `UPDATE bus_deliveries SET status = $3, last_error = $4,
         next_attempt_at = now() + make_interval(secs => $5), updated_at = now()
       WHERE message_id = $1 AND subscription = $2`,
      [
        delivery.message_id,
        delivery.subscription,
        dead ? 'dead' : 'pending',
        message,
        (backoffMs(attempt, policy) * scale) / 1000,
      ],
    );
  };

  /** Delivers a set of ready deliveries one after the other; with redelivery, N interleaved copies. */
  const deliverInTurn = async (ready: readonly ReadyDelivery[]): Promise<void> => {
    const attempts = new Map<ReadyDelivery, number>();
    const failed = new Map<ReadyDelivery, unknown>();
    for (const delivery of ready) attempts.set(delivery, await startAttempt(delivery));
    const copies =
      redeliver > 1
        ? shuffle(
            ready.flatMap((d) => Array<ReadyDelivery>(redeliver).fill(d)),
            random,
          )
        : ready;
    for (const delivery of copies) {
      if (closed) return;
      await options.beforeDelivery?.();
      const error = await runHandler(delivery, attempts.get(delivery) ?? 1);
      if (error !== undefined && !failed.has(delivery)) failed.set(delivery, error);
    }
    for (const delivery of ready) {
      await settle(delivery, attempts.get(delivery) ?? 1, failed.get(delivery));
    }
  };

  /** Delivers a set of ready deliveries side by side; each one's copies one after the other. */
  const deliverSideBySide = async (ready: readonly ReadyDelivery[]): Promise<void> => {
    await Promise.all(
      ready.map(async (delivery) => {
        const attempt = await startAttempt(delivery);
        let error: unknown;
        for (let copy = 0; copy < redeliver && !closed; copy += 1) {
          await options.beforeDelivery?.();
          error ??= await runHandler(delivery, attempt);
        }
        if (!closed) await settle(delivery, attempt, error);
      }),
    );
  };

  const drain = async (lane: Lane): Promise<void> => {
    do {
      lane.dirty = false;
      for (;;) {
        // The bus's own statements wait too: a burst of uploads is answered first.
        await options.beforeDelivery?.();
        await fanOut();
        const ready = await readyDeliveries(lane, lane.concurrency > 1 ? lane.concurrency : 50);
        if (ready.length === 0 || closed) break;
        if (lane.concurrency > 1) await deliverSideBySide(ready);
        else await deliverInTurn(redeliver > 1 ? ready : ready.slice(0, 1));
      }
    } while (lane.dirty && !closed);
  };

  const nextDueInMs = async (): Promise<number | undefined> => {
    const result = await db.query<{ wait_ms: number | null; unsent: number }>(
      `SELECT (SELECT EXTRACT(EPOCH FROM (min(next_attempt_at) - now())) * 1000
                 FROM bus_deliveries WHERE status = 'pending' AND subscription = ANY($1))::float8 AS wait_ms,
              (SELECT count(*) FROM outbox_messages
                 WHERE sent_at IS NULL AND topic = ANY($2))::int AS unsent`,
      [[...subscriptions.keys()], [...new Set([...subscriptions.values()].map((s) => s.topic))]],
    );
    const row = result.rows[0];
    if (row === undefined) return undefined;
    if (row.unsent > 0) return 0;
    return row.wait_ms === null ? undefined : Math.max(0, row.wait_ms);
  };

  const kickLane = (lane: Lane): Promise<void> => {
    lane.dirty = true;
    if (lane.running === undefined && !closed) {
      lane.running = drain(lane)
        .then(() => {
          failures = 0;
        })
        .catch((error: unknown) => {
          failures += 1;
          options.logger.error('bus dispatch failed, will retry', { error, failures });
          // The database may be restarting: look again later, longer each time.
          schedule(Math.min(30_000, 250 * 2 ** Math.min(failures, 7)));
        })
        .finally(() => {
          lane.running = undefined;
          void scheduleNext();
        });
    }
    return lane.running ?? Promise.resolve();
  };

  const kick = (): Promise<void> =>
    Promise.all([...lanes.values()].map(kickLane)).then(() => undefined);

  const schedule = (waitMs: number): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void kick(), Math.ceil(waitMs) + 5);
  };

  const scheduleNext = async (): Promise<void> => {
    if (closed || failures > 0) return;
    const wait = await nextDueInMs().catch(() => undefined);
    if (wait === undefined || closed) return;
    schedule(wait);
  };

  const running = () =>
    [...lanes.values()].flatMap((lane) => (lane.running === undefined ? [] : [lane.running]));

  return {
    kind: 'inprocess',
    async flush() {
      void kick();
    },
    async subscribe(topic, subscription, handler, subscriptionOptions = {}) {
      subscriptions.set(subscription, { topic, handler, options: subscriptionOptions });
      const concurrency = subscriptionOptions.concurrency ?? 1;
      const laneName = subscriptionOptions.concurrency === undefined ? '' : subscription;
      const lane = lanes.get(laneName) ?? { names: new Set(), concurrency, dirty: false };
      lane.names.add(subscription);
      lanes.set(laneName, lane);
      void kick();
    },
    async idle() {
      for (;;) {
        await kick();
        for (let busy = running(); busy.length > 0; busy = running()) await Promise.all(busy);
        const wait = await nextDueInMs();
        if (wait === undefined) return;
        await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait) + 5));
      }
    },
    async deadLetters() {
      const result = await db.query<DeadLetter>(
        `SELECT message_id, subscription, attempts, last_error FROM bus_deliveries
         WHERE status = 'dead' ORDER BY updated_at, message_id`,
      );
      return [...result.rows];
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      for (let busy = running(); busy.length > 0; busy = running()) await Promise.all(busy);
    },
  };
}

/** A subscription and how it wants its messages. */
interface Subscription {
  readonly topic: Topic;
  readonly handler: MessageHandler;
  readonly options: SubscriptionOptions;
}

/**
 * Subscriptions delivered together: the chain's (one at a time), or one subscription with a
 * concurrency of its own.
 */
interface Lane {
  readonly names: Set<string>;
  readonly concurrency: number;
  running?: Promise<void> | undefined;
  dirty: boolean;
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
