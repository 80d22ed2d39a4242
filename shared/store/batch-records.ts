/**
 * The `ingest_batches` table: one row per upload, from receipt to validation.
 */
import type { Queryable } from '../adapters/database/database.ts';
import { storedTraceContext, type OutboxMessage } from '../adapters/event-bus/outbox.ts';
import type { TraceCarrier } from '../tracing/trace-context.ts';
import type { SourceFormat } from '../events/events-contract.ts';
import { batchSummarySchema, type BatchSummary, type RowError } from '../result/result-document.ts';

export type BatchStatus = BatchSummary['status'];

/** A batch as stored. */
export interface BatchRecord extends Omit<BatchOutcome, 'status'> {
  readonly batch_id: string;
  readonly content_hash: string;
  readonly idempotency_key: string | null;
  readonly source: string;
  readonly format: SourceFormat;
  readonly raw_key: string;
  readonly byte_size: number;
  readonly options: Readonly<Record<string, unknown>>;
  readonly status: BatchStatus;
}

/** A new batch. */
export type NewBatch = Pick<
  BatchRecord,
  | 'batch_id'
  | 'content_hash'
  | 'idempotency_key'
  | 'source'
  | 'format'
  | 'raw_key'
  | 'byte_size'
  | 'options'
> & {
  readonly status: BatchStatus;
  readonly error_message?: string | null;
  readonly errors?: readonly RowError[];
  /** The trace of the upload, carried by the batch's message. */
  readonly trace_context?: TraceCarrier;
};

const columns = `batch_id, content_hash, idempotency_key, source, format, raw_key, byte_size,
  options, status, rows_read, accepted, rejected, duplicates, errors, error_message, rejections_key`;

/**
 * Reads a batch.
 * @param db - the database
 * @param batchId - the batch id
 * @returns the batch, or undefined
 * @example await findBatch(db, 'b_0123456789abcdef01234567')
 */
export async function findBatch(db: Queryable, batchId: string): Promise<BatchRecord | undefined> {
  const result = await db.query<BatchRecord>(
    `SELECT ${columns} FROM ingest_batches WHERE batch_id = $1`,
    [batchId],
  );
  return result.rows[0];
}

/**
 * The batches an upload could repeat, in one query: the one its Idempotency-Key was first used
 * for, and the one of its content.
 * @param db - the database
 * @param key - the `Idempotency-Key`, if any
 * @param batchId - the batch id of the content
 * @returns the batch of the key and the batch of the content (either may be undefined)
 * @example await findRepeatedBatch(db, 'upload-1', 'b_0123456789abcdef01234567')
 */
export async function findRepeatedBatch(
  db: Queryable,
  key: string | undefined,
  batchId: string,
): Promise<{ readonly byKey?: BatchRecord; readonly byContent?: BatchRecord }> {
  const result = await db.query<BatchRecord>(
    `SELECT ${columns} FROM ingest_batches WHERE batch_id = $1 OR idempotency_key = $2`,
    [batchId, key ?? null],
  );
  return {
    byKey: result.rows.find((row) => key !== undefined && row.idempotency_key === key),
    byContent: result.rows.find((row) => row.batch_id === batchId),
  };
}

/**
 * Inserts batches in one statement, each unless its id or its Idempotency-Key is taken (by a
 * stored batch or by an earlier one of the same call), and with each batch inserted its
 * message into the outbox: one statement, so both are written or neither.
 * @param db - the database or a transaction
 * @param batches - the new batches
 * @param announce - the message announcing a batch, if any
 * @returns for each batch, in order, whether it was inserted
 * @example const [inserted] = await insertBatches(db, [batch], () => undefined)
 */
export async function insertBatches(
  db: Queryable,
  batches: readonly NewBatch[],
  announce: (batch: NewBatch) => OutboxMessage | undefined,
): Promise<boolean[]> {
  const column = <T>(pick: (batch: NewBatch) => T) => batches.map(pick);
  const announced = batches.flatMap((batch) => {
    const message = announce(batch);
    return message === undefined ? [] : [{ batch_id: batch.batch_id, message }];
  });
  const result = await db.query<{ batch_id: string; idempotency_key: string | null }>(
    `WITH inserted AS (
       INSERT INTO ingest_batches (batch_id, content_hash, idempotency_key, source, format,
         raw_key, byte_size, options, status, error_message, errors)
       SELECT b.batch_id, b.content_hash, b.idempotency_key, b.source, b.format, b.raw_key,
         b.byte_size, b.options::jsonb, b.status, b.error_message, b.errors::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
         $7::float8[], $8::text[], $9::text[], $10::text[], $11::text[])
         AS b(batch_id, content_hash, idempotency_key, source, format, raw_key, byte_size,
           options, status, error_message, errors)
       ON CONFLICT DO NOTHING
       RETURNING batch_id, idempotency_key
     ), announced AS (
       INSERT INTO outbox_messages (message_id, topic, payload, trace_context)
       SELECT m.message_id, m.topic, m.payload::jsonb, m.trace_context::jsonb
       FROM unnest($12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
         AS m(batch_id, message_id, topic, payload, trace_context)
       WHERE m.batch_id IN (SELECT batch_id FROM inserted)
       ON CONFLICT (message_id) DO NOTHING
     )
     SELECT batch_id, idempotency_key FROM inserted`,
    [
      column((b) => b.batch_id),
      column((b) => b.content_hash),
      column((b) => b.idempotency_key),
      column((b) => b.source),
      column((b) => b.format),
      column((b) => b.raw_key),
      column((b) => b.byte_size),
      column((b) => JSON.stringify(b.options)),
      column((b) => b.status),
      column((b) => b.error_message ?? null),
      column((b) => JSON.stringify(b.errors ?? [])),
      announced.map((entry) => entry.batch_id),
      announced.map((entry) => entry.message.message_id),
      announced.map((entry) => entry.message.topic),
      announced.map((entry) => JSON.stringify(entry.message.payload)),
      announced.map((entry) => storedTraceContext(entry.message)),
    ],
  );
  // A returned row is the first batch of the call with its id and key; later equal ones lost.
  const identity = (row: Pick<NewBatch, 'batch_id' | 'idempotency_key'>) =>
    JSON.stringify([row.batch_id, row.idempotency_key]);
  const inserted = new Set(result.rows.map(identity));
  return batches.map((batch) => inserted.delete(identity(batch)));
}

/** What validation concluded about a batch. */
export interface BatchOutcome {
  readonly status: 'validated' | 'rejected' | 'failed';
  readonly rows_read: number | null;
  readonly accepted: number | null;
  readonly rejected: number | null;
  readonly duplicates: number | null;
  readonly errors: readonly RowError[];
  readonly error_message: string | null;
  readonly rejections_key: string | null;
}

/**
 * The record of a batch just inserted, without reading it back.
 * @param batch - what was inserted
 * @returns the record as `findBatch` would return it
 * @example newBatchRecord(fresh).status // 'received'
 */
export function newBatchRecord(batch: NewBatch): BatchRecord {
  return {
    ...batch,
    rows_read: null,
    accepted: null,
    rejected: null,
    duplicates: null,
    errors: batch.errors ?? [],
    error_message: batch.error_message ?? null,
    rejections_key: null,
  };
}

/**
 * Records the outcome of validating a batch.
 * @param tx - the transaction
 * @param batchId - the batch
 * @param outcome - status, counts, error sample
 * @example await recordBatchOutcome(tx, id, { status: 'validated', ... })
 */
export async function recordBatchOutcome(
  tx: Queryable,
  batchId: string,
  outcome: BatchOutcome,
): Promise<void> {
  await tx.query(
    `UPDATE ingest_batches SET status = $2, rows_read = $3, accepted = $4, rejected = $5,
       duplicates = $6, errors = $7, error_message = $8, rejections_key = $9, updated_at = now()
     WHERE batch_id = $1`,
    [
      batchId,
      outcome.status,
      outcome.rows_read,
      outcome.accepted,
      outcome.rejected,
      outcome.duplicates,
      JSON.stringify(outcome.errors),
      outcome.error_message,
      outcome.rejections_key,
    ],
  );
}

/**
 * The batch as the result document shows it.
 * @param batch - the stored batch
 * @returns its summary; counts unknown before validation are 0
 * @example batchSummary(await findBatch(db, id))
 */
export function batchSummary(batch: BatchRecord): BatchSummary {
  // Parsed through the schema: the stored errors' keys come back in the document's order.
  return batchSummarySchema.parse({
    batch_id: batch.batch_id,
    source: batch.source,
    accepted: batch.accepted ?? 0,
    rejected: batch.rejected ?? 0,
    duplicates: batch.duplicates ?? 0,
    status: batch.status,
    errors: batch.errors,
  });
}
