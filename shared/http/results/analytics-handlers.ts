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

/**
 * `GET /v1/experiments/{experiment_id}/results?granularity=day`: the latest analysis's results by
 * day, each comparison as of the end of each UTC day with its fixed-horizon interval and its
 * confidence sequence, and the plan. `day` is the only granularity (and the default).
 * @param context - the request
 * @throws {ValidationError} 400 for another granularity; 404 as for the summary
 * @example await getResultsByDay(context)
 */
export async function getResultsByDay(context: RouteContext): Promise<void> {
  const granularity = context.query.get('granularity') ?? 'day';
  if (granularity !== 'day') {
    throw new ValidationError(`granularity must be day, not ${JSON.stringify(granularity)}`, 400);
  }
  const summary = await latestSummary(context);
  sendJson(context.res, 200, {
    experiment_id: summary.experiment_id,
    analysis_id: summary.analysis_id,
    computed_at: summary.computed_at,
    alpha: summary.alpha,
    granularity,
    planning: summary.planning ?? null,
    days: summary.by_day ?? [],
  });
}
