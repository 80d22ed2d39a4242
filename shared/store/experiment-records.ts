/**
 * The `experiments` table (definition, lifecycle status, version) and the curated batches each
 * experiment holds.
 */
import type { Queryable } from '../adapters/database/database.ts';
import type { ExperimentDefinition, ExperimentStatus } from '../analysis/experiment-definition.ts';
import { marksRun } from '../experiments/lifecycle.ts';
import type { UnitTableSettings } from '../units/unit-table-options.ts';

/** An experiment as stored. */
export interface ExperimentRecord {
  readonly experiment_id: string;
  readonly name: string | null;
  /** The definition (without a status: the status column is the truth), or null. */
  readonly definition: ExperimentDefinition | null;
  readonly status: ExperimentStatus;
  readonly latest_analysis_id: string | null;
  /** Set for an experiment fed by unit-level tables. */
  readonly unit_table: UnitTableSettings | null;
  /** Bumped by every change: of the definition, or of the status. */
  readonly version: number;
  /** Whether it ever ran (entered running, or arrived running, paused or completed). */
  readonly has_run: boolean;
}

const columns = `experiment_id, name, definition, status, latest_analysis_id, unit_table, version,
  (started_at IS NOT NULL OR status IN ('running', 'paused', 'completed')) AS has_run`;

/**
 * Reads an experiment.
 * @param db - the database or a transaction
 * @param experimentId - the experiment
 * @param lock - `for update`: lock the row until the transaction ends (for a change)
 * @returns the experiment, or undefined
 * @example await findExperiment(db, 'checkout-redesign')
 */
export async function findExperiment(
  db: Queryable,
  experimentId: string,
  lock?: 'for update',
): Promise<ExperimentRecord | undefined> {
  const result = await db.query<ExperimentRecord>(
    `SELECT ${columns} FROM experiments WHERE experiment_id = $1${lock === undefined ? '' : ' FOR UPDATE'}`,
    [experimentId],
  );
  return result.rows[0];
}

/**
 * Reads several experiments at once.
 * @param db - the database
 * @param experimentIds - the experiments
 * @returns the ones that exist, by id
 * @example await findExperiments(db, ['a', 'b'])
 */
export async function findExperiments(
  db: Queryable,
  experimentIds: readonly string[],
): Promise<Map<string, ExperimentRecord>> {
  const result = await db.query<ExperimentRecord>(
    `SELECT ${columns} FROM experiments WHERE experiment_id = ANY($1)`,
    [experimentIds],
  );
  return new Map(result.rows.map((row) => [row.experiment_id, row]));
}

/**
 * Creates an experiment with its definition (version 1).
 * @param tx - the transaction
 * @param definition - the validated definition, without a status
 * @param status - its first status
 * @returns true when created; false when the id exists
 * @example await insertExperiment(tx, definition, 'draft')
 */
export async function insertExperiment(
  tx: Queryable,
  definition: ExperimentDefinition,
  status: ExperimentStatus,
): Promise<boolean> {
  const result = await tx.query(
    `INSERT INTO experiments (experiment_id, name, definition, status, version, started_at)
     VALUES ($1, $2, $3, $4, 1, CASE WHEN $5 THEN now() END)
     ON CONFLICT (experiment_id) DO NOTHING`,
    [definition.id, definition.name ?? null, JSON.stringify(definition), status, marksRun(status)],
  );
  return result.rowCount > 0;
}

/**
 * Changes an experiment's definition or status and bumps its version.
 * @param tx - the transaction holding the row's lock
 * @param experimentId - the experiment
 * @param change - the new definition, or the new status
 * @returns the new version
 * @example await updateExperiment(tx, 'exp1', { status: 'running' })
 */
export async function updateExperiment(
  tx: Queryable,
  experimentId: string,
  change:
    | { readonly definition: ExperimentDefinition; readonly status?: undefined }
    | { readonly status: ExperimentStatus; readonly definition?: undefined },
): Promise<number> {
  const result = await tx.query<{ version: number }>(
    change.definition !== undefined
      ? `UPDATE experiments SET definition = $2, name = $3, version = version + 1,
           updated_at = now() WHERE experiment_id = $1 RETURNING version`
      : `UPDATE experiments SET status = $2, version = version + 1, updated_at = now(),
           started_at = COALESCE(started_at, CASE WHEN $3 THEN now() END)
         WHERE experiment_id = $1 RETURNING version`,
    change.definition !== undefined
      ? [experimentId, JSON.stringify(change.definition), change.definition.name ?? null]
      : [experimentId, change.status, marksRun(change.status)],
  );
  const version = result.rows[0]?.version;
  if (version === undefined) throw new Error(`experiment ${experimentId} vanished mid-change`);
  return version;
}

/** A curated file of an experiment. */
export interface CuratedBatch {
  readonly batch_id: string;
  readonly curated_key: string;
  readonly accepted: number;
}

/**
 * The curated batches of an experiment, by batch id.
 * @param db - the database
 * @param experimentId - the experiment
 * @returns its batches
 * @example await curatedBatches(db, 'exp1')
 */
export async function curatedBatches(db: Queryable, experimentId: string): Promise<CuratedBatch[]> {
  const result = await db.query<CuratedBatch>(
    `SELECT batch_id, curated_key, accepted FROM batch_experiments WHERE experiment_id = $1
     ORDER BY batch_id`,
    [experimentId],
  );
  return [...result.rows];
}

/**
 * The experiments a rerun covers: one, or every experiment whose status is `running`.
 * @param db - the database
 * @param experimentId - the one experiment, or undefined for all running ones
 * @returns experiment ids, sorted
 * @example await experimentsToRerun(db, undefined)
 */
export async function experimentsToRerun(
  db: Queryable,
  experimentId: string | undefined,
): Promise<string[]> {
  const result =
    experimentId === undefined
      ? await db.query<{ experiment_id: string }>(
          `SELECT experiment_id FROM experiments WHERE status = 'running' ORDER BY experiment_id`,
        )
      : await db.query<{ experiment_id: string }>(
          'SELECT experiment_id FROM experiments WHERE experiment_id = $1',
          [experimentId],
        );
  return result.rows.map((row) => row.experiment_id);
}

/**
 * The numeric covariates every experiment's definition names (`covariates.numeric`), which
 * validation reads as numbers.
 * @param db - the database
 * @returns one rule per (experiment, column), ordered
 * @example await numericCovariateColumns(db) // [{ experimentId: 'exp1', column: 'price' }]
 */
export async function numericCovariateColumns(
  db: Queryable,
): Promise<{ experimentId: string; column: string }[]> {
  const result = await db.query<{ experiment_id: string; column: string }>(
    `SELECT e.experiment_id, c.value AS column
     FROM experiments e, jsonb_array_elements_text(e.definition->'covariates'->'numeric') AS c
     WHERE jsonb_typeof(e.definition->'covariates'->'numeric') = 'array'
     ORDER BY e.experiment_id, c.value`,
  );
  return result.rows.map((row) => ({ experimentId: row.experiment_id, column: row.column }));
}
