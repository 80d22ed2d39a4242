/**
 * Report downloads: `GET /v1/experiments/{id}/reports/{analysis_id}.pdf|.csv` and
 * `GET /v1/experiments/{id}/report?format=pdf|csv` (the latest analysis's). The artifact is
 * streamed from the artifacts bucket, or, on a store that signs URLs (Cloud Storage), the
 * answer is a 302 to a short-lived signed URL. Only keys under `reports/<experiment_id>/` are
 * ever read, whatever the `reports` row says.
 */
import { pipeline } from 'node:stream/promises';
import { assertSafeLocation } from '../../adapters/blob-store/blob-store.ts';
import { ValidationError } from '../../errors/errors.ts';
import { latestAnalysisOf, requestedExperiment } from './experiment-context.ts';
import { checkedId } from './path-ids.ts';
import type { RouteContext } from '../route.ts';

/** How long a signed download URL stays valid. */
export const signedUrlTtlSeconds = 300;

/** The formats a report comes in. */
export type ReportFormat = 'pdf' | 'csv';

const contentTypes: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
};

/**
 * The handler of one analysis's report in one format.
 * @param format - pdf or csv
 * @returns the handler
 * @example { path: '/v1/experiments/{experiment_id}/reports/{analysis_id}.pdf', handle: downloadReport('pdf') }
 */
export function downloadReport(format: ReportFormat): (context: RouteContext) => Promise<void> {
  return async (context) => {
    const state = await requestedExperiment(context);
    const analysisId = checkedId('analysis', context.params.analysis_id);
    await sendReport(context, state.experiment_id, analysisId, format);
  };
}

/**
 * `GET /v1/experiments/{experiment_id}/report?format=pdf|csv` (pdf when omitted).
 * @param context - the request
 * @example await latestReport(context)
 */
export async function latestReport(context: RouteContext): Promise<void> {
  const format = context.query.get('format') ?? 'pdf';
  if (format !== 'pdf' && format !== 'csv') {
    throw new ValidationError('format must be pdf or csv', 400);
  }
  const state = await requestedExperiment(context);
  await sendReport(context, state.experiment_id, latestAnalysisOf(state), format);
}

async function sendReport(
  context: RouteContext,
  experimentId: string,
  analysisId: string,
  format: ReportFormat,
): Promise<void> {
  const { db, config } = context.deps;
  const row = await db.query<{ pdf_key: string; csv_key: string }>(
    'SELECT pdf_key, csv_key FROM reports WHERE analysis_id = $1 AND experiment_id = $2',
    [analysisId, experimentId],
  );
  const keys = row.rows[0];
  if (keys === undefined) {
    const known = await db.query(
      'SELECT 1 FROM analyses WHERE analysis_id = $1 AND experiment_id = $2',
      [analysisId, experimentId],
    );
    throw new ValidationError(
      known.rows.length === 0
        ? `unknown analysis ${analysisId} of experiment ${experimentId}`
        : `the report of analysis ${analysisId} is not ready yet`,
      404,
    );
  }
  const key = format === 'pdf' ? keys.pdf_key : keys.csv_key;
  if (!isReportKeyOf(experimentId, key)) {
    context.logger.warn('report row points outside its prefix', { analysis_id: analysisId, key });
    throw new ValidationError(`the ${format} report of analysis ${analysisId} is unavailable`, 404);
  }
  const bucket = config.buckets.artifacts;
  await sendArtifact(
    context,
    { bucket, key },
    {
      'content-type': contentTypes[format],
      'content-disposition': `attachment; filename="${experimentId}-${analysisId}.${format}"`,
      'cache-control': 'private, max-age=300',
      'x-content-type-options': 'nosniff',
    },
    `the ${format} report of analysis ${analysisId} is missing`,
  );
}

/**
 * Answers with a stored artifact: a redirect to a signed URL where the store signs them (Cloud
 * Storage), else its bytes with the headers given; 404 when it is missing.
 * @param context - the request
 * @param at - the artifact's bucket and key
 * @param headers - the 200 answer's headers
 * @param missing - the 404's message
 * @example await sendArtifact(context, { bucket, key }, { 'content-type': 'image/svg+xml' }, 'no chart')
 */
export async function sendArtifact(
  context: RouteContext,
  at: { readonly bucket: string; readonly key: string },
  headers: Record<string, string>,
  missing: string,
): Promise<void> {
  const { blobs } = context.deps;
  const signed = await blobs.signedUrl(at.bucket, at.key, signedUrlTtlSeconds);
  if (signed !== null) {
    context.res.writeHead(302, {
      location: signed,
      'cache-control': 'no-store',
      'content-length': 0,
    });
    context.res.end();
    return;
  }
  if (!(await blobs.exists(at.bucket, at.key))) throw new ValidationError(missing, 404);
  context.res.writeHead(200, headers);
  await pipeline(blobs.readStream(at.bucket, at.key), context.res);
}

/**
 * Tells whether an object key is a report of the experiment: under `reports/<experiment_id>/`,
 * a safe key (no `..`, no empty segment), one level deep.
 * @param experimentId - the experiment
 * @param key - the key from the `reports` row
 * @returns true when the key may be served
 * @example isReportKeyOf('exp1', 'reports/exp1/an_1.pdf') // true
 */
export function isReportKeyOf(experimentId: string, key: string): boolean {
  const prefix = `reports/${experimentId}/`;
  if (!key.startsWith(prefix) || key.slice(prefix.length).includes('/')) return false;
  try {
    assertSafeLocation('artifacts', key);
    return true;
  } catch {
    return false;
  }
}
