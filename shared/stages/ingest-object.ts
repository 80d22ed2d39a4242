/**
 * Ingest from Cloud Storage: the finalize event of an object in the raw bucket. Objects under
 * `uploads/` become batches like HTTP uploads (a unit-level table when the experiment its name
 * stands for has a definition with a `unit_table` block); definitions under `definitions/` (one, or several under `experiments: [...]`) are stored and
 * their experiments re-analysed (under the lifecycle's checks, see experiment-changes.ts); everything else (the stage's own `batches/` and `rejections/`
 * writes among them) is ignored, so the stage never triggers itself.
 */
import { parseExperimentDefinitions } from '../analysis/definitions-file.ts';
import { ValidationError } from '../errors/errors.ts';
import { hashFile } from '../events/hash-file.ts';
import { formatFromFileName, formatFromMediaType } from '../events/source-format.ts';
import { definitionsPrefix, uploadsPrefix } from '../store/storage-layout.ts';
import { applyDefinitionFiles } from './experiment-changes.ts';
import { ingestUpload } from './ingest.ts';
import { unitTableReading } from './unit-table-reading.ts';
import type { StageDeps } from './stage-deps.ts';

/** The fields of a Cloud Storage object event abtest reads (`google.events.cloud.storage.v1.StorageObjectData`). */
export interface StorageObject {
  readonly bucket: string;
  readonly name: string;
  readonly contentType?: string;
}

/**
 * Handles a finalized object of the raw bucket.
 * @param deps - the ports
 * @param object - the object's bucket, name and content type
 * @returns what was done with it
 * @throws {ValidationError} for an upload of an unknown format or a bad definition
 * @example await ingestStorageObject(deps, { bucket: 'raw', name: 'uploads/day1.csv' })
 */
export async function ingestStorageObject(
  deps: StageDeps,
  object: StorageObject,
): Promise<'batch' | 'definition' | 'ignored'> {
  if (object.bucket !== deps.config.buckets.raw) return 'ignored';
  if (object.name.startsWith(definitionsPrefix)) {
    const text = (await deps.blobs.read(object.bucket, object.name)).toString('utf8');
    const { definitions } = parseExperimentDefinitions(text, object.name);
    await applyDefinitionFiles(deps, definitions, {
      tokenName: null,
      source: `gs://${object.bucket}/${object.name}`,
    });
    return 'definition';
  }
  if (!object.name.startsWith(uploadsPrefix) || object.name.endsWith('/')) return 'ignored';
  const format = formatFromFileName(object.name) ?? formatFromMediaType(object.contentType);
  if (format === undefined) {
    throw new ValidationError(
      `${object.name}: unknown format (name it .csv, .ndjson, .jsonl, .json or .parquet)`,
      415,
    );
  }
  const filePath = await deps.blobs.localFile(object.bucket, object.name);
  const { sha256, bytes } = await hashFile(filePath);
  const unitTable = await unitTableReading(deps, { names: objectNames(object.name) });
  await ingestUpload(deps, {
    content: filePath,
    source: `gs://${object.bucket}/${object.name}`,
    format,
    contentHash: sha256,
    byteSize: bytes,
    ...(unitTable === undefined ? {} : { options: unitTable }),
  });
  return 'batch';
}

/**
 * The names an uploaded object goes by, for a unit-level table's experiment: the first folder
 * under `uploads/` (`uploads/cookie_cats/day1.csv`), then the file's own name.
 */
function objectNames(name: string): string[] {
  const parts = name.slice(uploadsPrefix.length).split('/');
  const file = parts.at(-1) ?? '';
  return parts.length > 1 ? [parts[0] ?? '', file] : [file];
}
