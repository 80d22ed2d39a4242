/**
 * `GET /v1/experiments`, `GET /v1/experiments/{id}`, `.../summary` and `.../analyses`: the
 * experiment reads, each cached under the experiment's state (see experiment-state.ts).
 */
import { z } from 'zod';
import { ValidationError } from '../../errors/errors.ts';
import { sendJson } from '../http-json.ts';
import type { AnalysisHistoryItem, ExperimentListItem } from './api-schemas.ts';
import { latestSummary } from './analytics-handlers.ts';
import { requestedExperiment } from './experiment-context.ts';
import { analysisFacts, analysisHistory, experimentRows } from './experiment-queries.ts';
import { experimentView } from './experiment-view.ts';
import { isoTime } from './iso-time.ts';
import { encodeCursor, pageCursor, pageLimit } from './paging.ts';
import type { RouteContext } from '../route.ts';

const experimentCursor = z.object({ after: z.string() });
const analysisCursor = z.object({ computed_at: z.string(), analysis_id: z.string() });

/**
 * `GET /v1/experiments`: a page of experiments in id order. The page's experiment rows are read
 * every time (they are the key); the analysis facts behind them are cached.
 * @param context - the request
 * @example await listExperiments(context)
 */
export async function listExperiments(context: RouteContext): Promise<void> {
  const limit = pageLimit(context.query);
  const after = pageCursor(context.query, experimentCursor)?.after;
  const rows = await experimentRows(context.deps.db, after, limit + 1);
  const page = rows.slice(0, limit);
  const key = `experiments:${JSON.stringify(page)}`;
  const items = await context.cache.get(key, async (): Promise<ExperimentListItem[]> => {
    const facts = await analysisFacts(
      context.deps.db,
      page.flatMap((row) => (row.latest_analysis_id === null ? [] : [row.latest_analysis_id])),
    );
    return page.map((row) => {
      const latest =
        row.latest_analysis_id === null ? undefined : facts.get(row.latest_analysis_id);
      return {
        experiment_id: row.experiment_id,
        name: row.name,
        status: row.status,
        latest_analysis_id: row.latest_analysis_id,
        computed_at: latest === undefined ? null : isoTime(latest.computed_at),
        users: latest?.users ?? null,
      };
    });
  });
  const last = page.at(-1);
  sendJson(context.res, 200, {
    items,
    next_cursor:
      rows.length > limit && last !== undefined
        ? encodeCursor({ after: last.experiment_id })
        : null,
  });
}

/**
 * `GET /v1/experiments/{experiment_id}`: the experiment, its definition, status, version and
 * batch count.
 * @param context - the request
 * @example await getExperiment(context)
 */
export async function getExperiment(context: RouteContext): Promise<void> {
  const state = await requestedExperiment(context);
  const view = await context.cache.get(`experiment:${state.key}`, () =>
    experimentView(context.deps.db, state.experiment_id),
  );
  if (view === undefined)
    throw new ValidationError(`unknown experiment ${state.experiment_id}`, 404);
  sendJson(context.res, 200, view);
}

/**
 * `GET /v1/experiments/{experiment_id}/summary`: the result document's experiment object of the
 * latest analysis, as `abtest run --json` prints it (its `report` holds the API download paths).
 * @param context - the request
 * @example await getSummary(context)
 */
export async function getSummary(context: RouteContext): Promise<void> {
  sendJson(context.res, 200, await latestSummary(context));
}

/**
 * `GET /v1/experiments/{experiment_id}/analyses`: the analyses, newest first, each with every
 * run that produced or re-found it (`outcome: unchanged` for a rerun without new data).
 * @param context - the request
 * @example await listAnalyses(context)
 */
export async function listAnalyses(context: RouteContext): Promise<void> {
  const state = await requestedExperiment(context);
  const limit = pageLimit(context.query);
  const before = pageCursor(context.query, analysisCursor);
  const key = `analyses:${state.key}:${limit}:${JSON.stringify(before ?? null)}`;
  const page = await context.cache.get(key, async () => {
    const { analyses, runs } = await analysisHistory(
      context.deps.db,
      state.experiment_id,
      before,
      limit + 1,
    );
    const shown = analyses.slice(0, limit);
    const items: AnalysisHistoryItem[] = shown.map((analysis) => ({
      analysis_id: analysis.analysis_id,
      computed_at: isoTime(analysis.computed_at),
      input_batches: analysis.input_batches,
      users: analysis.users,
      is_latest: analysis.analysis_id === state.latest_analysis_id,
      runs: runs
        .filter((run) => run.analysis_id === analysis.analysis_id)
        .map((run) => ({
          trigger: run.trigger,
          outcome: run.outcome,
          job_id: run.job_id,
          created_at: isoTime(run.created_at),
        })),
    }));
    const last = shown.at(-1);
    return {
      items,
      next_cursor:
        analyses.length > limit && last !== undefined
          ? encodeCursor({ computed_at: last.computed_at_key, analysis_id: last.analysis_id })
          : null,
    };
  });
  sendJson(context.res, 200, {
    experiment_id: state.experiment_id,
    latest_analysis_id: state.latest_analysis_id,
    ...page,
  });
}
