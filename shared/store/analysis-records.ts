/**
 * The `analyses` table (one row per distinct analysis) and `analysis_runs` (every time analysis
 * ran, including reruns that found nothing new).
 */
import type { Queryable } from '../adapters/database/database.ts';
import type { ExperimentResult } from '../result/result-document.ts';

/** What an analysis keeps beside the result document, for the report. */
export interface AnalysisDetails {
  readonly [key: string]: unknown;
}

/** An analysis as stored. */
export interface AnalysisRecord {
  readonly analysis_id: string;
  readonly experiment_id: string;
  readonly input_fingerprint: string;
  readonly input_batches: number;
  readonly document: ExperimentResult;
  readonly details: AnalysisDetails;
}

/**
 * Reads an analysis.
 * @param db - the database
 * @param analysisId - the analysis
 * @returns the analysis, or undefined
 * @example await findAnalysis(db, 'an_0123456789abcdef01234567')
 */
export async function findAnalysis(
  db: Queryable,
  analysisId: string,
): Promise<AnalysisRecord | undefined> {
  const result = await db.query<AnalysisRecord>(
    `SELECT analysis_id, experiment_id, input_fingerprint, input_batches, document, details
     FROM analyses WHERE analysis_id = $1`,
    [analysisId],
  );
  return result.rows[0];
}

/**
 * Stores a new analysis and makes it the experiment's latest unless a later one (over at least
 * as many batches) is already there; out-of-order completions never move "latest" backwards.
 * @param tx - the transaction
 * @param analysis - the analysis
 * @param computedAt - when it was computed
 * @example await insertAnalysis(tx, record, new Date())
 */
export async function insertAnalysis(
  tx: Queryable,
  analysis: AnalysisRecord,
  computedAt: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO analyses (analysis_id, experiment_id, input_fingerprint, input_batches, document,
       details, computed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [
      analysis.analysis_id,
      analysis.experiment_id,
      analysis.input_fingerprint,
      analysis.input_batches,
      JSON.stringify(analysis.document),
      JSON.stringify(analysis.details),
      computedAt,
    ],
  );
  await promoteLatestAnalysis(
    tx,
    analysis.experiment_id,
    analysis.analysis_id,
    analysis.input_batches,
  );
}

/**
 * Makes an analysis the experiment's latest when it covers at least as many batches.
 * @param tx - the transaction
 * @param experimentId - the experiment
 * @param analysisId - the candidate
 * @param inputBatches - how many batches it covers
 * @example await promoteLatestAnalysis(tx, 'exp1', 'an_1', 3)
 */
export async function promoteLatestAnalysis(
  tx: Queryable,
  experimentId: string,
  analysisId: string,
  inputBatches: number,
): Promise<void> {
  await tx.query(
    `UPDATE experiments e SET latest_analysis_id = $2, updated_at = now()
     WHERE e.experiment_id = $1 AND (e.latest_analysis_id IS NULL OR $3 >= COALESCE(
       (SELECT a.input_batches FROM analyses a WHERE a.analysis_id = e.latest_analysis_id), 0))`,
    [experimentId, analysisId, inputBatches],
  );
}

/**
 * Records that analysis ran.
 * @param tx - the transaction
 * @param run - experiment, analysis, what triggered it, and whether it was new
 * @example await recordAnalysisRun(tx, { trigger_id, experiment_id, analysis_id, trigger: 'rerun', outcome: 'unchanged' })
 */
export async function recordAnalysisRun(
  tx: Queryable,
  run: {
    /** What caused it (a message id); a second run for the same trigger is not recorded. */
    readonly trigger_id: string;
    readonly experiment_id: string;
    readonly analysis_id: string;
    readonly trigger: string;
    readonly outcome: 'new' | 'unchanged';
    readonly job_id?: string | undefined;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO analysis_runs (trigger_id, experiment_id, analysis_id, trigger, outcome, job_id)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (trigger_id) DO NOTHING`,
    [
      run.trigger_id,
      run.experiment_id,
      run.analysis_id,
      run.trigger,
      run.outcome,
      run.job_id ?? null,
    ],
  );
}
