/**
 * The validate stage: a received batch (events, or a unit-level table) is read with polars,
 * checked row by row against its contract, deduplicated against what its experiments already
 * hold, and written as curated zstd Parquet, one file per experiment. Rejected rows go to
 * `rejections/<batch_id>.csv`. A batch whose rejected share is above the threshold, or with a
 * file error, is rejected whole and nothing curated is written. Running it twice for the same
 * batch changes nothing: a batch that is no longer `received` is left as it is.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { enqueueMessage } from '../adapters/event-bus/outbox.ts';
import { csvText } from '../csv/csv-text.ts';
import { ValidationError, isValidationError } from '../errors/errors.ts';
import type { Rejection } from '../events/validate-event-rows.ts';
import { topics } from '../messages/topics.ts';
import type { RowError } from '../result/result-document.ts';
import { findBatch, recordBatchOutcome, type BatchRecord } from '../store/batch-records.ts';
import { rejectionsKey } from '../store/storage-layout.ts';
import { unitTableOptionsOf } from '../units/unit-table-options.ts';
import {
  checkEventsBatch,
  checkUnitTableBatch,
  type CheckedBatch,
  type CuratedPart,
} from './batch-checks.ts';
import { fileErrorEntry } from './ingest.ts';
import { alertRejectedBatch } from './rejected-batch-alerts.ts';
import type { StageDeps } from './stage-deps.ts';

/** How many row errors a batch keeps in its record and the result document. */
export const errorSampleSize = 100;

/**
 * Validates a received batch.
 * @param deps - the ports
 * @param batchId - the batch
 * @returns when the batch is validated or rejected
 * @throws {ValidationError} when the batch does not exist (the message is acknowledged)
 * @example await validateBatch(deps, 'b_0123456789abcdef01234567')
 */
export async function validateBatch(deps: StageDeps, batchId: string): Promise<void> {
  const batch = await findBatch(deps.db, batchId);
  if (batch === undefined) throw new ValidationError(`unknown batch ${batchId}`, 404);
  if (batch.status !== 'received') {
    deps.logger.debug('batch already validated', { batch_id: batchId, status: batch.status });
    return;
  }
  const log = deps.logger.child({ batch_id: batchId });
  const rawFile = await deps.blobs.localFile(deps.config.buckets.raw, batch.raw_key);
  const unitTable = unitTableOptionsOf(batch.options);
  let checked: CheckedBatch;
  try {
    checked =
      unitTable === undefined
        ? await checkEventsBatch(deps, batch, rawFile)
        : await checkUnitTableBatch(deps, batch, rawFile, unitTable);
  } catch (error) {
    if (!isValidationError(error)) throw error;
    await rejectBatch(deps, batch, error, null, []);
    log.warn('batch rejected', { reason: error.message });
    return;
  }

  try {
    const lines = await checked.lineOf(checked.rejections.map((rejection) => rejection.record));
    const errors = checked.rejections.map((rejection) => rowError(rejection, lines));
    const rejectionsObject = errors.length > 0 ? rejectionsKey(batchId) : null;
    if (rejectionsObject !== null) {
      await deps.blobs.write(deps.config.buckets.raw, rejectionsObject, rejectionsCsv(errors), {
        contentType: 'text/csv',
        ifAbsent: true,
      });
    }
    await curateBatch(deps, batch, checked, errors, rejectionsObject);
  } finally {
    await checked.dispose();
  }
}

/** The rejected share checked, the accepted rows curated and the batch recorded as validated. */
async function curateBatch(
  deps: StageDeps,
  batch: BatchRecord,
  checked: CheckedBatch,
  errors: readonly RowError[],
  rejectionsObject: string | null,
): Promise<void> {
  const batchId = batch.batch_id;
  const log = deps.logger.child({ batch_id: batchId });
  const share = checked.rowsRead === 0 ? 0 : errors.length / checked.rowsRead;
  let parts: readonly CuratedPart[];
  try {
    if (share > deps.config.rejectThreshold) {
      throw new ValidationError(
        `${batch.source}: ${percent(share)} of rows rejected (${errors.length} of ${checked.rowsRead}), above the threshold of ${percent(deps.config.rejectThreshold)}`,
        422,
      );
    }
    parts = await checked.curate();
  } catch (error) {
    if (!isValidationError(error)) throw error;
    await rejectBatch(deps, batch, error, checked.rowsRead, errors, rejectionsObject);
    log.warn('batch rejected', { reason: error.message });
    return;
  }

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'abtest-validate-'));
  try {
    for (const part of parts) {
      const file = path.join(scratch, `${part.experimentId}.parquet`);
      await part.frame.sinkParquet(file, { compression: 'zstd' }).collect();
      await deps.blobs.upload(file, deps.config.buckets.curated, part.key);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  const accepted = parts.reduce((sum, part) => sum + part.accepted, 0);
  const duplicates = parts.reduce((sum, part) => sum + part.duplicates, 0);
  await deps.db.transaction(async (tx) => {
    for (const part of parts) {
      await tx.query(
        `INSERT INTO experiments (experiment_id, unit_table) VALUES ($1, $2)
         ON CONFLICT (experiment_id) DO UPDATE SET unit_table = COALESCE(EXCLUDED.unit_table, experiments.unit_table)`,
        [part.experimentId, part.unitTable === undefined ? null : JSON.stringify(part.unitTable)],
      );
      await tx.query(
        `INSERT INTO batch_experiments (batch_id, experiment_id, accepted, duplicates, curated_key)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [batchId, part.experimentId, part.accepted, part.duplicates, part.key],
      );
    }
    await recordBatchOutcome(tx, batchId, {
      status: 'validated',
      rows_read: checked.rowsRead,
      accepted,
      rejected: errors.length,
      duplicates,
      errors: errors.slice(0, errorSampleSize),
      error_message: null,
      rejections_key: rejectionsObject,
    });
    await enqueueMessage(
      tx,
      topics.batchValidated,
      { version: 1, batch_id: batchId, experiment_ids: parts.map((part) => part.experimentId) },
      batchId,
    );
  });
  log.info('batch validated', {
    rows: checked.rowsRead,
    accepted,
    rejected: errors.length,
    duplicates,
  });
}

async function rejectBatch(
  deps: StageDeps,
  batch: BatchRecord,
  error: ValidationError,
  rowsRead: number | null,
  errors: readonly RowError[],
  rejectionsObject: string | null = null,
): Promise<void> {
  await deps.db.transaction((tx) =>
    recordBatchOutcome(tx, batch.batch_id, {
      status: 'rejected',
      rows_read: rowsRead,
      accepted: 0,
      rejected: rowsRead ?? 0,
      duplicates: 0,
      errors: errors.length > 0 ? errors.slice(0, errorSampleSize) : [fileErrorEntry(error)],
      error_message: error.message,
      rejections_key: rejectionsObject,
    }),
  );
  await alertRejectedBatch(
    deps,
    { batch_id: batch.batch_id, source: batch.source, rows_read: rowsRead, rejected: rowsRead },
    error.message,
  );
}

function rowError(rejection: Rejection, lines: ReadonlyMap<number, number>): RowError {
  return {
    line: lines.get(rejection.record) ?? null,
    column: rejection.column,
    value: rejection.value,
    reason: rejection.reason,
  };
}

function rejectionsCsv(errors: readonly RowError[]): string {
  return csvText(
    ['line', 'column', 'value', 'reason'],
    errors.map((error) => [error.line, error.column, error.value, error.reason]),
  );
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
