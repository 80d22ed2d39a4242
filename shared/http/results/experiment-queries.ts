/**
 * The reads behind the experiment endpoints: a page of experiments, one experiment, and its
 * analysis history with every run recorded in `analysis_runs`. Parameterised SQL only.
 */
import type { Queryable } from '../../adapters/database/database.ts';

/** An experiments row as the list shows it. */
export interface ExperimentRow {
  readonly experiment_id: string;
  readonly name: string | null;
  readonly status: string;
  readonly latest_analysis_id: string | null;
  readonly updated_at: string;
}

/**
 * A page of experiments in id order.
 * @param db - the database
 * @param after - the last id of the previous page, if any
 * @param limit - the most rows
 * @returns up to `limit` rows
 * @example await experimentRows(db, undefined, 21)
 */
export async function experimentRows(
  db: Queryable,
  after: string | undefined,
  limit: number,
): Promise<ExperimentRow[]> {
  const result = await db.query<ExperimentRow>(
    `SELECT experiment_id, name, status, latest_analysis_id, updated_at::text AS updated_at
     FROM experiments WHERE ($1::text IS NULL OR experiment_id > $1)
     ORDER BY experiment_id LIMIT $2`,
    [after ?? null, limit],
  );
  return [...result.rows];
}

/** What the list shows of an analysis. */
export interface AnalysisFacts {
  readonly analysis_id: string;
  readonly computed_at: Date;
  readonly users: number | null;
}

/**
 * When each analysis was computed and how many users it analysed.
 * @param db - the database
 * @param analysisIds - the analyses
 * @returns their facts, by id
 * @example (await analysisFacts(db, ['an_1'])).get('an_1')?.users
 */
export async function analysisFacts(
  db: Queryable,
  analysisIds: readonly string[],
): Promise<Map<string, AnalysisFacts>> {
  if (analysisIds.length === 0) return new Map();
  const result = await db.query<AnalysisFacts>(
    `SELECT analysis_id, computed_at, (document->'data'->>'users')::int AS users
     FROM analyses WHERE analysis_id = ANY($1)`,
    [[...analysisIds]],
  );
  return new Map(result.rows.map((row) => [row.analysis_id, row]));
}

/** One experiment with its batch count. */
export interface ExperimentDetailRow {
  readonly experiment_id: string;
  readonly name: string | null;
  readonly status: string;
  readonly definition: Record<string, unknown> | null;
  readonly latest_analysis_id: string | null;
  readonly batch_count: number;
  readonly version: number;
  readonly started_at: Date | null;
  readonly created_at: Date;
  readonly updated_at: Date;
}

/**
 * Reads one experiment.
 * @param db - the database
 * @param experimentId - the experiment
 * @returns the row, or undefined
 * @example await experimentDetail(db, 'checkout-redesign')
 */
export async function experimentDetail(
  db: Queryable,
  experimentId: string,
): Promise<ExperimentDetailRow | undefined> {
  const result = await db.query<ExperimentDetailRow>(
    `SELECT e.experiment_id, e.name, e.status, e.definition, e.latest_analysis_id,
       (SELECT count(*) FROM batch_experiments b WHERE b.experiment_id = e.experiment_id)::int
         AS batch_count,
       e.version, e.started_at, e.created_at, e.updated_at
     FROM experiments e WHERE e.experiment_id = $1`,
    [experimentId],
  );
  return result.rows[0];
}

/** An analysis in the history. */
export interface AnalysisRow {
  readonly analysis_id: string;
  readonly computed_at: Date;
  /** `computed_at` as PostgreSQL prints it, to page on without losing precision. */
  readonly computed_at_key: string;
  readonly input_batches: number;
  readonly users: number | null;
}

/** A run of analysis. */
export interface RunRow {
  readonly analysis_id: string;
  readonly trigger: string;
  readonly outcome: 'new' | 'unchanged';
  readonly job_id: string | null;
  readonly created_at: Date;
}

/**
 * A page of an experiment's analyses, newest first, with their runs (oldest first).
 * @param db - the database
 * @param experimentId - the experiment
 * @param before - the sort key of the previous page's last analysis, if any
 * @param limit - the most analyses
 * @returns the analyses and the runs of each
 * @example await analysisHistory(db, 'exp1', undefined, 21)
 */
export async function analysisHistory(
  db: Queryable,
  experimentId: string,
  before: { readonly computed_at: string; readonly analysis_id: string } | undefined,
  limit: number,
): Promise<{ analyses: AnalysisRow[]; runs: RunRow[] }> {
  const analyses = await db.query<AnalysisRow>(
    `SELECT analysis_id, computed_at, computed_at::text AS computed_at_key, input_batches,
       (document->'data'->>'users')::int AS users
     FROM analyses
     WHERE experiment_id = $1
       AND ($2::timestamptz IS NULL OR (computed_at, analysis_id) < ($2::timestamptz, $3::text))
     ORDER BY computed_at DESC, analysis_id DESC LIMIT $4`,
    [experimentId, before?.computed_at ?? null, before?.analysis_id ?? '', limit],
  );
  const ids = analyses.rows.map((row) => row.analysis_id);
  const runs =
    ids.length === 0
      ? { rows: [] as RunRow[] }
      : await db.query<RunRow>(
          `SELECT analysis_id, trigger, outcome, job_id, created_at FROM analysis_runs
           WHERE experiment_id = $1 AND analysis_id = ANY($2) ORDER BY run_id`,
          [experimentId, ids],
        );
  return { analyses: [...analyses.rows], runs: [...runs.rows] };
}
