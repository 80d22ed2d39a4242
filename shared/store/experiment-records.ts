/**
 * The `experiments` table and the curated batches each experiment holds.
 */
import type { Queryable } from '../adapters/database/database.ts';
import type { ExperimentDefinition } from '../analysis/experiment-definition.ts';
import type { UnitTableSettings } from '../units/unit-table-options.ts';

/** An experiment as stored. */
export interface ExperimentRecord {
  readonly experiment_id: string;
  readonly name: string | null;
  readonly definition: ExperimentDefinition | null;
  readonly status: string;
  readonly latest_analysis_id: string | null;
  /** Set for an experiment fed by unit-level tables. */
  readonly unit_table: UnitTableSettings | null;
}

/**
 * Reads an experiment.
 * @param db - the database
 * @param experimentId - the experiment
 * @returns the experiment, or undefined
 * @example await findExperiment(db, 'checkout-redesign')
 */
export async function findExperiment(
  db: Queryable,
  experimentId: string,
): Promise<ExperimentRecord | undefined> {
  const result = await db.query<ExperimentRecord>(
    `SELECT experiment_id, name, definition, status, latest_analysis_id, unit_table
     FROM experiments WHERE experiment_id = $1`,
    [experimentId],
  );
  return result.rows[0];
}

/**
 * Stores a definition, creating the experiment when needed.
 * @param tx - the transaction
 * @param definition - the validated definition
 * @returns true when the stored definition changed
 * @example await saveDefinition(tx, definition)
 */
export async function saveDefinition(
  tx: Queryable,
  definition: ExperimentDefinition,
): Promise<boolean> {
  const current = await findExperiment(tx, definition.id);
  if (current !== undefined && JSON.stringify(current.definition) === JSON.stringify(definition)) {
    return false;
  }
  await tx.query(
    `INSERT INTO experiments (experiment_id, name, definition, status) VALUES ($1, $2, $3, $4)
     ON CONFLICT (experiment_id) DO UPDATE
       SET name = EXCLUDED.name, definition = EXCLUDED.definition, status = EXCLUDED.status,
           updated_at = now()`,
    [definition.id, definition.name ?? null, JSON.stringify(definition), definition.status],
  );
  return true;
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
