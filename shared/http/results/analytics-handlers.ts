/**
 * `GET /v1/analytics/results/{experiment_id}` and `GET /v1/model/predictions/{experiment_id}`:
 * views of the latest analysis, derived from its cached experiment object.
 */
import { ValidationError } from '../../errors/errors.ts';
import type { ExperimentResult } from '../../result/result-document.ts';
import { experimentSummary } from '../../store/experiment-summary.ts';
import { sendJson } from '../http-json.ts';
import { analyticsResults, modelPredictions } from './analytics-views.ts';
import { experimentPath, latestAnalysisOf, requestedExperiment } from './experiment-context.ts';
import { analysisPlots } from './plot-handlers.ts';
import type { RouteContext } from '../route.ts';

/**
 * The experiment object of the requested experiment's latest analysis, from the cache when
 * nothing has changed since it was read. Its `report` holds the API's download paths, never
 * where the files are stored (a local path, a bucket): the API is the way to them.
 * @param context - the request
 * @returns the experiment object
 * @throws {ValidationError} 400/404 for a bad or unknown experiment, 404 without an analysis
 * @example const summary = await latestSummary(context)
 */
export async function latestSummary(context: RouteContext): Promise<ExperimentResult> {
  const state = await requestedExperiment(context);
  latestAnalysisOf(state);
  const { deps } = context;
  const summary = await context.cache.get(`summary:${state.key}`, () =>
    experimentSummary(deps.db, deps.blobs, deps.config.buckets, state.experiment_id),
  );
  if (summary === undefined) {
    throw new ValidationError(`experiment ${state.experiment_id} has no analysis yet`, 404);
  }
  if (summary.report === null) return summary;
  const base = `${experimentPath(summary.experiment_id)}/reports/${summary.analysis_id}`;
  return { ...summary, report: { pdf: `${base}.pdf`, csv: `${base}.csv` } };
}

/**
 * `GET /v1/analytics/results/{experiment_id}`.
 * @param context - the request
 * @example await getAnalyticsResults(context)
 */
export async function getAnalyticsResults(context: RouteContext): Promise<void> {
  const summary = await latestSummary(context);
  // The report stage writes the charts before its row: once the report is there, all of them are.
  const plots =
    summary.report === null
      ? []
      : await analysisPlots(context, summary.experiment_id, summary.analysis_id);
  sendJson(context.res, 200, analyticsResults(summary, plots));
}

/**
 * `GET /v1/model/predictions/{experiment_id}`: 404 until the latest analysis's models exist.
 * @param context - the request
 * @example await getPredictions(context)
 */
export async function getPredictions(context: RouteContext): Promise<void> {
  const summary = await latestSummary(context);
  if (summary.models.length === 0) {
    throw new ValidationError(
      `analysis ${summary.analysis_id} of ${summary.experiment_id} has no models yet`,
      404,
    );
  }
  sendJson(context.res, 200, modelPredictions(summary));
}
