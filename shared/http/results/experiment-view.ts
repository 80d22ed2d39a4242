/**
 * An experiment as the API shows it (`GET /v1/experiments/{id}`, and the answer of every
 * change): its definition, lifecycle status and the states it may move to, version, batch
 * count and the links to its resources.
 */
import type { Queryable } from '../../adapters/database/database.ts';
import type { ExperimentStatus } from '../../analysis/experiment-definition.ts';
import { allowedTransitions } from '../../experiments/lifecycle.ts';
import type { ExperimentView } from './api-schemas.ts';
import { experimentPath } from './experiment-context.ts';
import { experimentDetail } from './experiment-queries.ts';
import { isoTime } from './iso-time.ts';

/**
 * Reads an experiment's view.
 * @param db - the database
 * @param experimentId - the experiment
 * @returns the view, or undefined for an unknown experiment
 * @example await experimentView(db, 'checkout-redesign')
 */
export async function experimentView(
  db: Queryable,
  experimentId: string,
): Promise<ExperimentView | undefined> {
  const row = await experimentDetail(db, experimentId);
  if (row === undefined) return undefined;
  const base = experimentPath(row.experiment_id);
  const status = row.status as ExperimentStatus;
  return {
    experiment_id: row.experiment_id,
    name: row.name,
    status,
    version: row.version,
    allowed_transitions: [...(allowedTransitions[status] ?? [])],
    started_at: row.started_at === null ? null : isoTime(row.started_at),
    definition: row.definition,
    latest_analysis_id: row.latest_analysis_id,
    batch_count: row.batch_count,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    links: {
      summary: `${base}/summary`,
      analyses: `${base}/analyses`,
      audit: `${base}/audit`,
      status: `${base}/status`,
      results: `/v1/analytics/results/${encodeURIComponent(row.experiment_id)}`,
      predictions: `/v1/model/predictions/${encodeURIComponent(row.experiment_id)}`,
      report_pdf: `${base}/report?format=pdf`,
      report_csv: `${base}/report?format=csv`,
    },
  };
}
