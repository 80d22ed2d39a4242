/**
 * The `ingest_batches` table: one row per upload, from receipt to validation.
 */
import type { Queryable } from '../adapters/database/database.ts';
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
 * Inserts a batch unless its id exists already.
 * @param tx - the transaction
 * @param batch - the new batch
 * @returns true when inserted, false when it existed
 * @example await insertBatch(tx, batch)
 */
export async function insertBatch(tx: Queryable, batch: NewBatch): Promise<boolean> {
  const result = await tx.query(
    `INSERT INTO ingest_batches (batch_id, content_hash, idempotency_key, source, format, raw_key,
       byte_size, options, status, error_message, errors)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT DO NOTHING`,
    [
      batch.batch_id,
      batch.content_hash,
      batch.idempotency_key,
      batch.source,
      batch.format,
      batch.raw_key,
      batch.byte_size,
      JSON.stringify(batch.options),
      batch.status,
      batch.error_message ?? null,
      JSON.stringify(batch.errors ?? []),
    ],
  );
  return result.rowCount > 0;
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
