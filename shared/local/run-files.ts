/**
 * `abtest run` without the command line: files go through the same ingest handler an upload
 * does, the in-process bus carries them through validate, analyze, train and report, and the
 * result document is read back: this invocation's batches in argument order, and the
 * experiments they touch, analysed over all their stored data.
 */
import { access } from 'node:fs/promises';
import type { InProcessBus } from '../adapters/event-bus/in-process-bus.ts';
import type { ExperimentDefinition } from '../analysis/experiment-definition.ts';
import { ValidationError } from '../errors/errors.ts';
import { hashFile } from '../events/hash-file.ts';
import { formatFromFileName } from '../events/source-format.ts';
import type { ResultDocument } from '../result/result-document.ts';
import { batchSummary, findBatch } from '../store/batch-records.ts';
import { experimentSummary } from '../store/experiment-summary.ts';
import { applyDefinitionFile } from '../stages/experiment-changes.ts';
import { ingestUpload } from '../stages/ingest.ts';
import type { StageDeps } from '../stages/stage-deps.ts';

/** One file to run. */
export interface RunFile {
  readonly path: string;
  /** Reading options (unit-table settings), part of the batch identity. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What a run produced. */
export interface RunOutcome {
  readonly document: ResultDocument;
  /** One message per file rejected whole or message dead-lettered. */
  readonly problems: readonly string[];
}

/**
 * Runs files through the whole chain and waits for it to settle.
 * @param deps - the ports, with the in-process bus already subscribed to the chain
 * @param files - the files, in argument order
 * @param definition - an experiment definition to store first, if any, and the file it came from
 * @param onStage - told what is happening, for a progress indicator
 * @returns the result document and the problems met
 * @throws {ValidationError} when a file is missing or of an unknown format
 * @example const { document } = await runFiles(deps, [{ path: 'events.csv' }])
 */
export async function runFiles(
  deps: StageDeps & { readonly bus: InProcessBus },
  files: readonly RunFile[],
  definition?: { readonly definition: ExperimentDefinition; readonly source: string },
  onStage: (label: string) => void = () => undefined,
): Promise<RunOutcome> {
  for (const file of files) {
    try {
      await access(file.path);
    } catch {
      throw new ValidationError(`${file.path}: no such file`, 400);
    }
    if (formatFromFileName(file.path) === undefined) {
      throw new ValidationError(
        `${file.path}: unknown format (name it .csv, .ndjson, .jsonl, .json or .parquet)`,
        415,
      );
    }
  }
  if (definition !== undefined) {
    await applyDefinitionFile(deps, definition.definition, {
      tokenName: null,
      source: `--definition ${definition.source}`,
    });
  }

  const problems: string[] = [];
  const batchIds: string[] = [];
  for (const file of files) {
    onStage(`reading ${file.path}`);
    const { sha256, bytes } = await hashFile(file.path);
    const outcome = await ingestUpload(deps, {
      content: file.path,
      source: file.path,
      format: formatFromFileName(file.path) ?? 'csv',
      contentHash: sha256,
      byteSize: bytes,
      ...(file.options === undefined ? {} : { options: file.options }),
    });
    batchIds.push(outcome.batch.batch_id);
  }
  onStage('validating and analysing');
  await deps.bus.idle();

  const batches = [];
  for (const batchId of batchIds) {
    const batch = await findBatch(deps.db, batchId);
    if (batch === undefined) continue;
    batches.push(batchSummary(batch));
    if (batch.status === 'rejected' || batch.status === 'failed') {
      problems.push(batch.error_message ?? `${batch.source}: rejected`);
    }
  }
  for (const dead of await deps.bus.deadLetters()) {
    problems.push(
      `${dead.subscription} failed on ${dead.message_id}: ${dead.last_error ?? 'unknown error'}`,
    );
  }

  const touched = await deps.db.query<{ experiment_id: string }>(
    `SELECT DISTINCT experiment_id FROM batch_experiments WHERE batch_id = ANY($1)
     ORDER BY experiment_id`,
    [batchIds],
  );
  const experimentIds = touched.rows.map((row) => row.experiment_id);
  const definedId = definition?.definition.id;
  if (definedId !== undefined && !experimentIds.includes(definedId)) experimentIds.push(definedId);
  const experiments = [];
  for (const experimentId of experimentIds) {
    const summary = await experimentSummary(deps.db, deps.blobs, deps.config.buckets, experimentId);
    if (summary !== undefined) experiments.push(summary);
  }
  return { document: { batches, experiments }, problems };
}
