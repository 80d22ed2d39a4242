/**
 * The ingest stage: an upload (HTTP body, GCS object, CLI file) becomes a batch. The same
 * content is the same batch; the same Idempotency-Key with other content is refused. File
 * errors are found here, before anything is stored under the batch; the raw bytes are kept
 * under `batches/<batch_id>/`, never rewritten; the row and its `abtest.batch.received`
 * message commit together.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../adapters/database/database.ts';
import { outboxMessage } from '../adapters/event-bus/outbox.ts';
import { currentTraceCarrier, inSpan } from '../tracing/trace-context.ts';
import { ValidationError, isValidationError } from '../errors/errors.ts';
import type { SourceFormat } from '../events/events-contract.ts';
import type { RowError } from '../result/result-document.ts';
import { checkUploadedFile, eventHeader } from '../events/read-event-table.ts';
import { unitTableHeader, unitTableOptionsOf } from '../units/unit-table-options.ts';
import { formatExtension, formatMediaType } from '../events/source-format.ts';
import { topics } from '../messages/topics.ts';
import {
  findRepeatedBatch,
  insertBatches,
  newBatchRecord,
  type BatchRecord,
  type NewBatch,
} from '../store/batch-records.ts';
import { groupCommit } from '../store/group-commit.ts';
import { rawBatchKey } from '../store/storage-layout.ts';
import { alertRejectedBatch } from './rejected-batch-alerts.ts';
import type { StageDeps } from './stage-deps.ts';

/** An upload whose bytes are complete, in memory or in a local file. */
export interface Upload {
  /** The bytes, or the local file holding them. */
  readonly content: Buffer | string;
  /** The name the user knows it by: a file name or object path. */
  readonly source: string;
  readonly format: SourceFormat;
  /** SHA-256 of the bytes, hexadecimal. */
  readonly contentHash: string;
  readonly byteSize: number;
  readonly idempotencyKey?: string;
  /** How to read it (unit-table settings); part of the batch's identity. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What ingest made of an upload. */
export interface IngestOutcome {
  readonly batch: BatchRecord;
  /** False when the upload repeated an existing batch. */
  readonly created: boolean;
  /** The file error, when the file was rejected whole. */
  readonly fileError?: ValidationError;
}

/**
 * The batch id of some content read some way: `b_` and 24 hex digits of a SHA-256.
 * @param contentHash - SHA-256 of the bytes
 * @param options - reading options, part of the identity
 * @returns the batch id
 * @example batchIdFor('e3b0c442...', {})
 */
export function batchIdFor(
  contentHash: string,
  options: Readonly<Record<string, unknown>> = {},
): string {
  const canonical = JSON.stringify(options, Object.keys(options).sort());
  return `b_${createHash('sha256').update(`${contentHash}\n${canonical}`).digest('hex').slice(0, 24)}`;
}

/**
 * Turns an upload into a batch (or finds the batch it repeats).
 * @param deps - the ports
 * @param upload - the complete upload
 * @returns the batch, whether it is new, and the file error if the file was rejected
 * @throws {ValidationError} (422) when the Idempotency-Key was used for other content
 * @example const { batch } = await ingestUpload(deps, upload)
 */
export function ingestUpload(deps: StageDeps, upload: Upload): Promise<IngestOutcome> {
  // The root of an upload's trace (or a child of the request that carried it).
  return inSpan('ingest', { 'abtest.source': upload.source, 'abtest.bytes': upload.byteSize }, () =>
    receiveUpload(deps, upload),
  );
}

async function receiveUpload(deps: StageDeps, upload: Upload): Promise<IngestOutcome> {
  const options = upload.options ?? {};
  const batchId = batchIdFor(upload.contentHash, options);
  let fileError: ValidationError | undefined;
  try {
    const unitTable = unitTableOptionsOf(options);
    await checkUploadedFile(
      upload.content,
      upload.format,
      upload.source,
      unitTable === undefined ? eventHeader : unitTableHeader(unitTable),
    );
  } catch (error) {
    if (!isValidationError(error)) throw error;
    fileError = error;
  }

  // The raw bytes first, then the row naming them: a batch never points at a missing file. The
  // same content is the same key, so a repeated upload finds its bytes already there.
  const rawKey = rawBatchKey(batchId, formatExtension[upload.format]);
  const rawOptions = { ifAbsent: true, contentType: formatMediaType[upload.format] };
  await (typeof upload.content === 'string'
    ? deps.blobs.upload(upload.content, deps.config.buckets.raw, rawKey, rawOptions)
    : deps.blobs.write(deps.config.buckets.raw, rawKey, upload.content, rawOptions));
  const fresh: NewBatch = {
    batch_id: batchId,
    content_hash: upload.contentHash,
    idempotency_key: upload.idempotencyKey ?? null,
    source: upload.source,
    format: upload.format,
    raw_key: rawKey,
    byte_size: upload.byteSize,
    options,
    status: fileError === undefined ? 'received' : 'rejected',
    error_message: fileError?.message ?? null,
    errors: fileError === undefined ? [] : [fileErrorEntry(fileError)],
    trace_context: currentTraceCarrier(),
  };
  if (!(await recordNewBatch(deps.db, fresh))) {
    return { batch: await repeatedBatch(deps, upload.idempotencyKey, batchId), created: false };
  }
  if (fileError !== undefined) {
    await alertRejectedBatch(
      deps,
      { ...fresh, rows_read: null, rejected: null },
      fileError.message,
    );
  }
  deps.logger.info(fileError === undefined ? 'batch received' : 'batch rejected', {
    batch_id: batchId,
    source: upload.source,
    bytes: upload.byteSize,
    ...(fileError === undefined ? {} : { reason: fileError.message }),
  });
  // The batch and its message are stored: the upload is accepted even when the bus cannot be
  // reached now; the message waits in the outbox and a later flush sends it.
  await deps.bus.flush().catch((error: unknown) => {
    deps.logger.warn('outbox not relayed now, it will be later', { batch_id: batchId, error });
  });
  return {
    batch: newBatchRecord(fresh),
    created: true,
    ...(fileError === undefined ? {} : { fileError }),
  };
}

/**
 * The batch an upload repeats: the one its Idempotency-Key was first used for, else the one of
 * its content.
 * @throws {ValidationError} (422) when the key was used for other content
 */
async function repeatedBatch(
  deps: StageDeps,
  key: string | undefined,
  batchId: string,
): Promise<BatchRecord> {
  const repeated = await findRepeatedBatch(deps.db, key, batchId);
  if (repeated.byKey !== undefined && repeated.byKey.batch_id !== batchId) {
    throw new ValidationError(
      `Idempotency-Key "${key}" was already used for different content (batch ${repeated.byKey.batch_id})`,
      422,
    );
  }
  const batch = repeated.byKey ?? repeated.byContent;
  if (batch === undefined) throw new Error(`batch ${batchId} was neither inserted nor found`);
  return batch;
}

/**
 * How long a new batch's insert waits for others finishing at the same time. Under load it
 * turns one statement per upload into one per several (a PGlite statement costs about a
 * millisecond of the one thread); alone, an upload is answered 2 ms later.
 */
const groupCommitDelayMs = 2;

const batchWriters = new WeakMap<Database, (batch: NewBatch) => Promise<boolean>>();

/**
 * Inserts a new batch and, unless it was rejected, its `abtest.batch.received` message, in one
 * statement shared with the uploads finishing meanwhile (group commit).
 * @param db - the database
 * @param batch - the new batch
 * @returns true when inserted; false when another upload of the same content or key won
 * @example await recordNewBatch(deps.db, fresh)
 */
function recordNewBatch(db: Database, batch: NewBatch): Promise<boolean> {
  let write = batchWriters.get(db);
  if (write === undefined) {
    write = groupCommit(
      (batches: readonly NewBatch[]) =>
        insertBatches(db, batches, (b) =>
          b.status === 'received'
            ? outboxMessage(
                topics.batchReceived,
                { version: 1, batch_id: b.batch_id },
                b.batch_id,
                b.trace_context,
              )
            : undefined,
        ),
      groupCommitDelayMs,
    );
    batchWriters.set(db, write);
  }
  return write(batch);
}

/**
 * A file error as an entry of `batches[].errors`.
 * @param error - the file error
 * @returns the row-error shaped entry, with the line and column when the error has them
 * @example fileErrorEntry(new ValidationError('a.csv: the file is empty', 400))
 */
export function fileErrorEntry(error: ValidationError): RowError {
  return {
    line: error.location.line ?? null,
    column: error.location.column ?? null,
    value: null,
    reason: error.message,
  };
}
