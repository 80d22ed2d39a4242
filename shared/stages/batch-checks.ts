/**
 * The two kinds of batch the validate stage knows, behind one shape: an events file
 * (DESIGN.md "Events contract") and a unit-level table ("Unit-level tables"). Each reads and
 * checks its rows; once the rejected share is known to be acceptable, each curates its
 * accepted rows, per experiment, deduplicated against what the experiment already holds.
 */
import pl from 'nodejs-polars';
import { ValidationError } from '../errors/errors.ts';
import { deduplicateEvents, withEventIds } from '../events/deduplicate-events.ts';
import { readEventTable, readTextTable } from '../events/read-event-table.ts';
import {
  validateEventRows,
  type Rejection,
  type ValidatedRows,
} from '../events/validate-event-rows.ts';
import { withQualityGates } from './quality-gate-rows.ts';
import type { BatchRecord } from '../store/batch-records.ts';
import { findExperiment, numericCovariateColumns } from '../store/experiment-records.ts';
import { curatedEventsKey, curatedUnitsKey } from '../store/storage-layout.ts';
import {
  unitTableHeader,
  type UnitTableOptions,
  type UnitTableSettings,
} from '../units/unit-table-options.ts';
import { validateUnitTable } from '../units/validate-unit-table.ts';
import { earlierEventIds } from './earlier-event-ids.ts';
import type { StageDeps } from './stage-deps.ts';

/** One experiment's curated share of a batch. */
export interface CuratedPart {
  readonly experimentId: string;
  /** The rows to curate, lazily (written with a streaming sink). */
  readonly frame: pl.LazyDataFrame;
  /** How many rows {@link frame} holds. */
  readonly accepted: number;
  readonly duplicates: number;
  readonly key: string;
  /** For unit tables: the settings the experiment is analysed with. */
  readonly unitTable?: UnitTableSettings;
}

/** A batch read and checked row by row. */
export interface CheckedBatch {
  readonly rowsRead: number;
  readonly rejections: readonly Rejection[];
  lineOf(records: readonly number[]): Promise<Map<number, number>>;
  /** The accepted rows, curated per experiment. */
  curate(): Promise<readonly CuratedPart[]>;
  /** Removes what reading the batch left in the temporary folder. */
  dispose(): Promise<void>;
}

/**
 * Reads and checks an events batch.
 * @param deps - the ports
 * @param batch - the batch
 * @param file - a local copy of its raw bytes
 * @returns the checked batch
 * @throws {ValidationError} for a file error
 * @example const checked = await checkEventsBatch(deps, batch, file)
 */
export async function checkEventsBatch(
  deps: StageDeps,
  batch: BatchRecord,
  file: string,
): Promise<CheckedBatch> {
  // Ingest checked the bytes (UTF-8, no NUL) before storing them: they are not read twice.
  const table = await readEventTable(file, batch.format, batch.source, true);
  const validated = await validateEventRows(table, await numericCovariateColumns(deps.db));
  let rows: ValidatedRows;
  try {
    rows = await withQualityGates(deps, validated, batch.source);
  } catch (error) {
    await validated.dispose();
    throw error;
  }
  return {
    rowsRead: rows.rowsRead,
    rejections: rows.rejections,
    lineOf: (records) => table.lineOf(records),
    dispose: () => rows.dispose(),
    async curate() {
      // Row hashes only where ids are missing: hashing every row of a file that has its own
      // event ids would cost a pass for nothing.
      const missingIds = Number(
        (await rows.accepted.select(pl.col('event_id').nullCount()).collect()).row(0)[0] ?? 0,
      );
      const events =
        missingIds === 0
          ? rows.accepted
          : await rows.materialize(withEventIds(rows.accepted, rows.attributes), 'with-ids');
      const parts = await deduplicateEvents(events, async (experimentId) => {
        const experiment = await findExperiment(deps.db, experimentId);
        if (experiment?.unit_table != null) {
          throw new ValidationError(
            `${batch.source}: experiment ${experimentId} is analysed from unit-level tables; events cannot be added to it`,
            422,
          );
        }
        return earlierEventIds(deps, experimentId, batch.batch_id);
      });
      return parts.map((part) => ({
        experimentId: part.experimentId,
        frame: part.events,
        accepted: part.rows - part.duplicates,
        duplicates: part.duplicates,
        key: curatedEventsKey(part.experimentId, batch.batch_id),
      }));
    },
  };
}

/**
 * Reads and checks a unit-table batch.
 * @param deps - the ports
 * @param batch - the batch
 * @param file - a local copy of its raw bytes
 * @param options - how to read it
 * @returns the checked batch
 * @throws {ValidationError} for a file error (a named column missing, a unit on two rows)
 * @example const checked = await checkUnitTableBatch(deps, batch, file, options)
 */
export async function checkUnitTableBatch(
  deps: StageDeps,
  batch: BatchRecord,
  file: string,
  options: UnitTableOptions,
): Promise<CheckedBatch> {
  const table = await readTextTable(
    file,
    batch.format,
    batch.source,
    unitTableHeader(options),
    true,
  );
  const numeric = (await numericCovariateColumns(deps.db))
    .filter((rule) => rule.experimentId === options.experiment_id)
    .map((rule) => rule.column);
  const gates = (await findExperiment(deps.db, options.experiment_id))?.definition?.quality;
  const units = await validateUnitTable(table, options, numeric, gates);
  return {
    rowsRead: units.rowsRead,
    rejections: units.rejections,
    lineOf: (records) => table.lineOf(records),
    dispose: async () => undefined,
    async curate() {
      const experimentId = options.experiment_id;
      const holdsEvents = await deps.db.query(
        `SELECT 1 FROM batch_experiments WHERE experiment_id = $1 AND curated_key LIKE 'events/%' LIMIT 1`,
        [experimentId],
      );
      if (holdsEvents.rows.length > 0) {
        throw new ValidationError(
          `${batch.source}: experiment ${experimentId} holds events; a unit-level table cannot be added to it (use --experiment to name another)`,
          422,
        );
      }
      const files = await earlierCurated(deps, experimentId, batch.batch_id);
      let frame = units.frame;
      if (files.length > 0) {
        const earlier = pl.concat(files.map((f) => pl.scanParquet(f).select('user_id')));
        frame = await frame.lazy().join(earlier, { on: 'user_id', how: 'anti' }).collect();
      }
      return [
        {
          experimentId,
          frame: frame.lazy(),
          accepted: frame.height,
          duplicates: units.frame.height - frame.height,
          key: curatedUnitsKey(experimentId, batch.batch_id),
          unitTable: {
            variant_column: options.variant_column,
            control: options.control ?? null,
            metrics: units.metrics,
          },
        },
      ];
    },
  };
}

/** Local copies of the curated files the experiment's earlier batches wrote. */
async function earlierCurated(
  deps: StageDeps,
  experimentId: string,
  batchId: string,
): Promise<string[]> {
  const result = await deps.db.query<{ curated_key: string }>(
    `SELECT curated_key FROM batch_experiments WHERE experiment_id = $1 AND batch_id <> $2
     ORDER BY batch_id`,
    [experimentId, batchId],
  );
  return Promise.all(
    result.rows.map((row) => deps.blobs.localFile(deps.config.buckets.curated, row.curated_key)),
  );
}
