/**
 * A file of the bad-input corpus through the real validate path, as an upload takes it: the
 * ingest stage (the checks an HTTP upload answers 4xx for), then the validate stage (row checks,
 * duplicates, the rejected-share threshold), and the batch's record read back. The outcome is
 * what a user sees: accepted with counts and row errors, or a file error with its message.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { hashFile } from '../../shared/events/hash-file.ts';
import type { SourceFormat } from '../../shared/events/events-contract.ts';
import { findBatch } from '../../shared/store/batch-records.ts';
import { ingestUpload } from '../../shared/stages/ingest.ts';
import type { StageDeps } from '../../shared/stages/stage-deps.ts';
import { validateBatch } from '../../shared/stages/validate.ts';

/** One row error as the batch lists it. */
export interface SeenRowError {
  readonly line: number | null;
  readonly column: string | null;
  readonly reason: string;
}

/** What became of a file. */
export type CorpusOutcome =
  | {
      readonly outcome: 'accepted';
      readonly accepted: number;
      readonly rejected: number;
      readonly duplicates: number;
      /** The batch's row errors (its first 100). */
      readonly errors: readonly SeenRowError[];
    }
  | {
      readonly outcome: 'file_error';
      /** Where it was found: at upload (the HTTP status answered) or by validation (`batch`). */
      readonly at: 'upload' | 'batch';
      readonly status: number | null;
      readonly message: string;
      readonly line: number | null;
      readonly column: string | null;
    };

/** The format a corpus file is uploaded as, from its extension (`.csv` even for binary junk). */
export function corpusFormat(file: string): SourceFormat {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.ndjson') return 'ndjson';
  if (extension === '.json') return 'json';
  if (extension === '.parquet') return 'parquet';
  return 'csv';
}

/**
 * Uploads a file and validates its batch.
 * @param deps - a local stack's ports (no chain subscribed: validation is called here)
 * @param file - the file
 * @returns the outcome
 */
export async function corpusOutcome(deps: StageDeps, file: string): Promise<CorpusOutcome> {
  const { sha256, bytes } = await hashFile(file);
  const source = path.basename(file);
  const ingested = await ingestUpload(deps, {
    content: bytes <= 8 * 1024 * 1024 ? await readFile(file) : file,
    source,
    format: corpusFormat(file),
    contentHash: sha256,
    byteSize: bytes,
  });
  if (ingested.fileError !== undefined) {
    return {
      outcome: 'file_error',
      at: 'upload',
      status: ingested.fileError.httpStatus,
      message: ingested.fileError.message,
      line: ingested.fileError.location.line ?? null,
      column: ingested.fileError.location.column ?? null,
    };
  }
  await validateBatch(deps, ingested.batch.batch_id);
  const batch = await findBatch(deps.db, ingested.batch.batch_id);
  if (batch === undefined) throw new Error(`${source}: its batch vanished`);
  if (batch.status === 'rejected') {
    const first = batch.errors[0];
    return {
      outcome: 'file_error',
      at: 'batch',
      status: null,
      message: batch.error_message ?? '',
      line: first?.line ?? null,
      column: first?.column ?? null,
    };
  }
  return {
    outcome: 'accepted',
    accepted: batch.accepted ?? 0,
    rejected: batch.rejected ?? 0,
    duplicates: batch.duplicates ?? 0,
    errors: batch.errors.map((error) => ({
      line: error.line,
      column: error.column,
      reason: error.reason,
    })),
  };
}
