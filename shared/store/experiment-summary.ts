/**
 * The result document's experiment object as served: the stored analysis, with the models
 * trained on it and the locations of its reports. `abtest run --json` and
 * `GET /v1/experiments/{id}/summary` both return this.
 */
import type { BlobStore } from '../adapters/blob-store/blob-store.ts';
import type { Queryable } from '../adapters/database/database.ts';
import type { BucketNames } from '../config/load-config.ts';
import {
  experimentResultSchema,
  type ExperimentResult,
  type ModelResult,
} from '../result/result-document.ts';

/**
 * Reads an experiment object.
 * @param db - the database
 * @param blobs - the blob store (for report locations)
 * @param buckets - bucket names
 * @param experimentId - the experiment
 * @param analysisId - a specific analysis; the latest when omitted
 * @returns the experiment object, or undefined when the experiment has no analysis
 * @example await experimentSummary(db, blobs, buckets, 'exp1')
 */
export async function experimentSummary(
  db: Queryable,
  blobs: BlobStore,
  buckets: BucketNames,
  experimentId: string,
  analysisId?: string,
): Promise<ExperimentResult | undefined> {
  const analysis = await db.query<{ analysis_id: string; document: ExperimentResult }>(
    analysisId === undefined
      ? `SELECT a.analysis_id, a.document FROM experiments e
         JOIN analyses a ON a.analysis_id = e.latest_analysis_id WHERE e.experiment_id = $1`
      : `SELECT analysis_id, document FROM analyses WHERE experiment_id = $1 AND analysis_id = $2`,
    analysisId === undefined ? [experimentId] : [experimentId, analysisId],
  );
  const row = analysis.rows[0];
  if (row === undefined) return undefined;
  const models = await db.query<{ document: ModelResult }>(
    'SELECT document FROM models WHERE analysis_id = $1 AND NOT requested ORDER BY metric',
    [row.analysis_id],
  );
  const report = await db.query<{ pdf_key: string; csv_key: string }>(
    'SELECT pdf_key, csv_key FROM reports WHERE analysis_id = $1',
    [row.analysis_id],
  );
  const metricOrder = row.document.metrics.map((metric) => metric.name);
  const reportRow = report.rows[0];
  // Parsed through the schema: checked, and every object's keys back in the document's order
  // (jsonb stores them in its own).
  return experimentResultSchema.parse({
    ...row.document,
    models: models.rows
      .map((model) => model.document)
      .sort((a, b) => metricOrder.indexOf(a.metric) - metricOrder.indexOf(b.metric)),
    report:
      reportRow === undefined
        ? null
        : {
            pdf: blobs.uri(buckets.artifacts, reportRow.pdf_key),
            csv: blobs.uri(buckets.artifacts, reportRow.csv_key),
          },
  });
}
