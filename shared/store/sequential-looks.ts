/**
 * The `sequential_looks` table: every distinct analysis is one look at each comparison, and the
 * confidence sequence runs over the looks of the same sequence. Writing a look is idempotent
 * (one row per analysis, metric and variant).
 */
import type { Queryable } from '../adapters/database/database.ts';
import type { SequentialLook } from '../stats/index.ts';

/** A stored look. */
export interface StoredLook extends SequentialLook {
  readonly analysisId: string;
  readonly nPlanned: number;
}

/** A look to store. */
export interface LookRow {
  readonly analysis_id: string;
  readonly experiment_id: string;
  readonly metric: string;
  readonly variant: string;
  readonly sequence_key: string;
  readonly n: number;
  readonly n_planned: number;
  readonly estimate: number;
  readonly variance: number | null;
}

/**
 * The earlier looks of a sequence, oldest first (another analysis's; never this one's).
 * @param db - the database
 * @param experimentId - the experiment
 * @param sequenceKey - the sequence
 * @param metric - the metric
 * @param variant - the treatment
 * @param analysisId - this analysis, left out
 * @returns the looks
 * @example await earlierLooks(db, 'exp1', key, 'conversion', 'b', 'an_1')
 */
export async function earlierLooks(
  db: Queryable,
  experimentId: string,
  sequenceKey: string,
  metric: string,
  variant: string,
  analysisId: string,
): Promise<StoredLook[]> {
  const result = await db.query<{
    analysis_id: string;
    n: number;
    n_planned: number;
    estimate: number;
    variance: number | null;
  }>(
    `SELECT analysis_id, n, n_planned, estimate, variance FROM sequential_looks
     WHERE experiment_id = $1 AND sequence_key = $2 AND metric = $3 AND variant = $4
       AND analysis_id <> $5
     ORDER BY look_at, analysis_id`,
    [experimentId, sequenceKey, metric, variant, analysisId],
  );
  return result.rows.map((row) => ({
    analysisId: row.analysis_id,
    n: Number(row.n),
    nPlanned: Number(row.n_planned),
    estimate: Number(row.estimate),
    variance: row.variance === null ? null : Number(row.variance),
  }));
}

/**
 * Stores the looks of an analysis (a look already stored stays as it was).
 * @param tx - the transaction of the analysis
 * @param looks - its looks
 * @param lookAt - when the analysis was computed
 * @example await insertLooks(tx, rows, document.computed_at)
 */
export async function insertLooks(
  tx: Queryable,
  looks: readonly LookRow[],
  lookAt: string,
): Promise<void> {
  for (const look of looks) {
    await tx.query(
      `INSERT INTO sequential_looks (analysis_id, metric, variant, experiment_id, sequence_key,
         look_at, n, n_planned, estimate, variance)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [
        look.analysis_id,
        look.metric,
        look.variant,
        look.experiment_id,
        look.sequence_key,
        lookAt,
        look.n,
        look.n_planned,
        look.estimate,
        look.variance,
      ],
    );
  }
}
