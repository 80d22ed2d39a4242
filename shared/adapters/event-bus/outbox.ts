/**
 * The outbox: messages are rows written in the transaction that changes the state they
 * announce, so state and message commit together or not at all. A message given a key is
 * stored once however often it is enqueued, which keeps a redelivered handler from publishing
 * its downstream message twice.
 */
import { randomUUID } from 'node:crypto';
import type { Topic } from '../../messages/topics.ts';
import type { TopicPayloads } from '../../messages/message-schemas.ts';
import { currentTraceCarrier, type TraceCarrier } from '../../tracing/trace-context.ts';
import type { Queryable } from '../database/database.ts';

/** A row of the outbox. */
export interface OutboxMessage {
  readonly message_id: string;
  readonly topic: Topic;
  readonly payload: unknown;
  /** The trace context active when it was written (`{}` or null when nothing was traced). */
  readonly trace_context?: TraceCarrier | null;
}

/**
 * Records a message to publish.
 * @param tx - the transaction writing the state the message announces (or the database)
 * @param topic - where it goes
 * @param payload - its JSON body
 * @param key - a deduplication key: the same (topic, key) is one message
 * @returns the message id
 * @example await enqueueMessage(tx, topics.batchReceived, { version: 1, batch_id }, batch_id)
 */
export async function enqueueMessage<T extends Topic>(
  tx: Queryable,
  topic: T,
  payload: TopicPayloads[T],
  key?: string,
): Promise<string> {
  const message = outboxMessage(topic, payload, key ?? randomUUID());
  await tx.query(
    `INSERT INTO outbox_messages (message_id, topic, payload, trace_context) VALUES ($1, $2, $3, $4)
     ON CONFLICT (message_id) DO NOTHING`,
    [message.message_id, topic, JSON.stringify(payload), storedTraceContext(message)],
  );
  return message.message_id;
}

/**
 * A message as an outbox row, for a statement that writes it together with its state.
 * @param topic - where it goes
 * @param payload - its JSON body
 * @param key - the deduplication key: the same (topic, key) is one message
 * @param traceContext - the trace it continues (default: the active one)
 * @returns the row to insert
 * @example outboxMessage(topics.batchReceived, { version: 1, batch_id }, batch_id)
 */
export function outboxMessage<T extends Topic>(
  topic: T,
  payload: TopicPayloads[T],
  key: string,
  traceContext: TraceCarrier = currentTraceCarrier(),
): OutboxMessage {
  return { message_id: `${topic}:${key}`, topic, payload, trace_context: traceContext };
}

/**
 * A message's trace context as the outbox stores it: JSON, or null when there is none.
 * @param message - the message
 * @returns the `trace_context` column's value
 * @example storedTraceContext(outboxMessage(topic, payload, key)) // null when tracing is off
 */
export function storedTraceContext(message: OutboxMessage): string | null {
  const carrier = message.trace_context ?? {};
  return carrier.traceparent === undefined ? null : JSON.stringify(carrier);
}

/**
 * Reads messages not yet sent, oldest first.
 * @param db - the database
 * @param limit - at most this many
 * @returns the messages
 * @example const pending = await unsentMessages(db, 100)
 */
export async function unsentMessages(db: Queryable, limit: number): Promise<OutboxMessage[]> {
  const result = await db.query<OutboxMessage>(
    `SELECT message_id, topic, payload, trace_context FROM outbox_messages
     WHERE sent_at IS NULL ORDER BY created_at, message_id LIMIT $1`,
    [limit],
  );
  return [...result.rows];
}
