/**
 * Ingests a CSV file of the local data folder as an upload, the way `abtest run` and the
 * storage trigger hand one to the ingest stage: by path, with its SHA-256 and size.
 */
import path from 'node:path';
import { hashFile } from '../../shared/events/hash-file.ts';
import { ingestUpload, type IngestOutcome } from '../../shared/stages/ingest.ts';
import type { StageDeps } from '../../shared/stages/stage-deps.ts';

/**
 * Ingests a CSV file.
 * @param deps - the stack's ports
 * @param file - the file's path
 * @param source - the name it is uploaded under (default: the file's name)
 * @param options - the batch's reading options (a unit table's), if any
 * @returns the ingest stage's outcome
 */
export async function ingestCsvFile(
  deps: StageDeps,
  file: string,
  source: string = path.basename(file),
  options?: Readonly<Record<string, unknown>>,
): Promise<IngestOutcome> {
  const { sha256, bytes } = await hashFile(file);
  return ingestUpload(deps, {
    content: file,
    source,
    format: 'csv',
    contentHash: sha256,
    byteSize: bytes,
    ...(options === undefined ? {} : { options }),
  });
}
