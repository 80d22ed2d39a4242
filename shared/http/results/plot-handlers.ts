/**
 * The charts of an analysis (SVG files under `plots/<experiment_id>/<analysis_id>/` in the
 * artifacts bucket): listed by `GET /v1/analytics/results/{experiment_id}` as `plots: [{name,
 * url}]`, and downloaded from `GET /v1/experiments/{experiment_id}/analyses/{analysis_id}/
 * plots/{name}` with the same token, as `image/svg+xml`. On Cloud Storage the listed URL is a
 * short-lived signed URL and the download route answers 302 to one.
 */
import { ValidationError } from '../../errors/errors.ts';
import { plotsPrefix } from '../../store/storage-layout.ts';
import type { RouteContext } from '../route.ts';
import { experimentPath, requestedExperiment } from './experiment-context.ts';
import { checkedId } from './path-ids.ts';
import { sendArtifact, signedUrlTtlSeconds } from './report-handlers.ts';

/** One chart of an analysis and where to download it. */
export interface PlotLink {
  readonly name: string;
  readonly url: string;
}

const plotName = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}\.svg$/;

/**
 * The charts the report of an analysis wrote, by name.
 * @param context - the request (its ports)
 * @param experimentId - the experiment
 * @param analysisId - the analysis
 * @returns the charts, sorted by name; empty before the report is written
 * @example const plots = await analysisPlots(context, 'exp1', 'an_1')
 */
export async function analysisPlots(
  context: RouteContext,
  experimentId: string,
  analysisId: string,
): Promise<PlotLink[]> {
  const { blobs, config } = context.deps;
  const prefix = plotsPrefix(experimentId, analysisId);
  const keys = await blobs.list(config.buckets.artifacts, prefix);
  const names = keys.map((key) => key.slice(prefix.length)).filter((name) => plotName.test(name));
  return Promise.all(
    names.map(async (name) => ({
      name,
      url:
        (await blobs.signedUrl(
          config.buckets.artifacts,
          `${prefix}${name}`,
          signedUrlTtlSeconds,
        )) ?? `${experimentPath(experimentId)}/analyses/${analysisId}/plots/${name}`,
    })),
  );
}

/**
 * `GET /v1/experiments/{experiment_id}/analyses/{analysis_id}/plots/{name}`.
 * @param context - the request
 * @example await downloadPlot(context)
 */
export async function downloadPlot(context: RouteContext): Promise<void> {
  const state = await requestedExperiment(context);
  const analysisId = checkedId('analysis', context.params.analysis_id);
  const name = context.params.name ?? '';
  if (!plotName.test(name)) {
    throw new ValidationError(`not a chart name: ${JSON.stringify(name)}`, 400);
  }
  const { config, db } = context.deps;
  const known = await db.query(
    'SELECT 1 FROM analyses WHERE analysis_id = $1 AND experiment_id = $2',
    [analysisId, state.experiment_id],
  );
  if (known.rows.length === 0) {
    throw new ValidationError(
      `unknown analysis ${analysisId} of experiment ${state.experiment_id}`,
      404,
    );
  }
  const bucket = config.buckets.artifacts;
  const key = `${plotsPrefix(state.experiment_id, analysisId)}${name}`;
  await sendArtifact(
    context,
    { bucket, key },
    {
      'content-type': 'image/svg+xml',
      'cache-control': 'private, max-age=300',
      'x-content-type-options': 'nosniff',
      // The charts hold no script; a browser opening one directly runs none either.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
    `analysis ${analysisId} has no chart ${name}`,
  );
}
