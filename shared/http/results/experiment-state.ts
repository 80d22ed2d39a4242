/**
 * The cache key of an experiment's reads: one cheap indexed query over the experiment row and
 * the counts that change when anything an answer shows changes (the latest analysis, its
 * models and report, the batches, the runs, the row's own `updated_at`). Every instance reads
 * the same state from the one database, so a new analysis changes the key everywhere at once.
 */
import type { Queryable } from '../../adapters/database/database.ts';

/** What the key is made of, for a handler that needs the latest analysis id too. */
export interface ExperimentState {
  readonly experiment_id: string;
  readonly latest_analysis_id: string | null;
  readonly has_report: boolean;
  readonly model_count: number;
  /** Everything above and the rest of the state, joined: the cache key. */
  readonly key: string;
}

/**
 * Reads an experiment's state.
 * @param db - the database
 * @param experimentId - the experiment
 * @returns its state, or undefined for an unknown experiment
 * @example const state = await experimentState(db, 'checkout-redesign')
 */
export async function experimentState(
  db: Queryable,
  experimentId: string,
): Promise<ExperimentState | undefined> {
  const result = await db.query<{
    latest_analysis_id: string | null;
    status: string;
    version: number;
    updated_at: string;
    model_count: number;
    has_report: boolean;
    batch_count: number;
    last_run: string | null;
  }>(
    `SELECT e.latest_analysis_id, e.status, e.version, e.updated_at::text AS updated_at,
       (SELECT count(*) FROM models m WHERE m.analysis_id = e.latest_analysis_id)::int
         AS model_count,
       EXISTS (SELECT 1 FROM reports r WHERE r.analysis_id = e.latest_analysis_id) AS has_report,
       (SELECT count(*) FROM batch_experiments b WHERE b.experiment_id = e.experiment_id)::int
         AS batch_count,
       (SELECT max(run_id) FROM analysis_runs ar WHERE ar.experiment_id = e.experiment_id)::text
         AS last_run
     FROM experiments e WHERE e.experiment_id = $1`,
    [experimentId],
  );
  const row = result.rows[0];
  if (row === undefined) return undefined;
  return {
    experiment_id: experimentId,
    latest_analysis_id: row.latest_analysis_id,
    has_report: row.has_report,
    model_count: row.model_count,
    key: JSON.stringify([
      experimentId,
      row.latest_analysis_id,
      row.status,
      row.version,
      row.updated_at,
      row.model_count,
      row.has_report,
      row.batch_count,
      row.last_run,
    ]),
  };
}
