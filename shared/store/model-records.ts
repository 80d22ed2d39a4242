/**
 * The models table: one row per fitted model (the chain's, per metric, and each training
 * request's), written once; a repeat of the same model id changes nothing.
 */
import type { Queryable } from '../adapters/database/database.ts';

/** A fitted model as stored. */
export interface ModelRow {
  readonly modelId: string;
  readonly experimentId: string;
  readonly analysisId: string;
  /** The metric (target) it models. */
  readonly metric: string;
  /** The model object of the result document. */
  readonly document: unknown;
  readonly artifactKey: string;
  readonly artifactUri: string;
  /** The features it was fitted on. */
  readonly features: readonly string[];
  /** True for a training request's model, false for the chain's. */
  readonly requested: boolean;
}

/**
 * Stores a fitted model unless its id is stored already.
 * @param db - the database or a transaction
 * @param row - the model
 * @example await insertModel(tx, { modelId, experimentId, analysisId, metric, ... })
 */
export async function insertModel(db: Queryable, row: ModelRow): Promise<void> {
  await db.query(
    `INSERT INTO models (model_id, experiment_id, analysis_id, metric, document, artifact_key,
       features, requested, artifact_uri)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
    [
      row.modelId,
      row.experimentId,
      row.analysisId,
      row.metric,
      JSON.stringify(row.document),
      row.artifactKey,
      JSON.stringify(row.features),
      row.requested,
      row.artifactUri,
    ],
  );
}
