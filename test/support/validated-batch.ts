/**
 * A file through the ingest and validate stages, as an upload would go, and the batch it left:
 * for tests of what validation accepts and rejects.
 */
import { hashFile } from '../../shared/events/hash-file.ts';
import { findBatch } from '../../shared/store/batch-records.ts';
import { ingestUpload } from '../../shared/stages/ingest.ts';
import type { StageDeps } from '../../shared/stages/stage-deps.ts';
import { validateBatch } from '../../shared/stages/validate.ts';

/** The batch row a validation left, with the fields these tests read. */
export interface ValidatedBatch {
  readonly source: string;
  readonly status: string;
  readonly rows_read: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly errors: readonly {
    line: number | null;
    column: string | null;
    value: string | null;
    reason: string;
  }[];
  readonly error_message: string | null;
}

/**
 * Ingests a CSV file and validates its batch.
 * @param deps - the ports
 * @param file - the file
 * @param source - the name it is uploaded under
 * @param options - the batch's reading options (a unit table's), if any
 * @returns the batch as stored after validation
 */
export async function validatedBatch(
  deps: StageDeps,
  file: string,
  source: string,
  options?: Readonly<Record<string, unknown>>,
): Promise<ValidatedBatch> {
  const { sha256, bytes } = await hashFile(file);
  const { batch } = await ingestUpload(deps, {
    content: file,
    source,
    format: 'csv',
    contentHash: sha256,
    byteSize: bytes,
    ...(options === undefined ? {} : { options }),
  });
  await validateBatch(deps, batch.batch_id);
  const outcome = await findBatch(deps.db, batch.batch_id);
  if (outcome === undefined) throw new Error(`batch ${batch.batch_id} vanished`);
  return outcome as unknown as ValidatedBatch;
}
