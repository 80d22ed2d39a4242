/**
 * The report stage: the PDF for people who read page one and the CSV for analysts, written to
 * `reports/<experiment_id>/<analysis_id>.pdf|.csv` in the artifacts bucket, its charts as SVG
 * under `plots/<experiment_id>/<analysis_id>/`, a `reports` row,
 * and `abtest.report.ready`. The artifacts depend only on the analysis (dates and ids come from
 * it, not from the clock), so a second delivery writes the same bytes, or, once the row
 * exists, nothing at all. A message for an analysis no longer the latest is dropped.
 */
import { enqueueMessage } from '../adapters/event-bus/outbox.ts';
import { ValidationError } from '../errors/errors.ts';
import type { ModelTrained } from '../messages/message-schemas.ts';
import { topics } from '../messages/topics.ts';
import { reportCsv, renderReportPdf, type ReportInput } from '../report/index.ts';
import { reportPlots } from '../report/report-plots.ts';
import { unresolvedAlerts } from '../store/alert-records.ts';
import { findAnalysis } from '../store/analysis-records.ts';
import { findExperiment } from '../store/experiment-records.ts';
import { experimentSummary } from '../store/experiment-summary.ts';
import { plotsPrefix, reportKey } from '../store/storage-layout.ts';
import { abtestVersion } from '../version.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * Writes the reports of an analysis.
 * @param deps - the ports
 * @param payload - the model.trained message
 * @throws {ValidationError} (404) when the analysis does not exist
 * @example await reportAnalysis(deps, { version: 1, experiment_id: 'e', analysis_id: 'an_1' })
 */
export async function reportAnalysis(deps: StageDeps, payload: ModelTrained): Promise<void> {
  const { experiment_id: experimentId, analysis_id: analysisId } = payload;
  const [analysis, experiment] = await Promise.all([
    findAnalysis(deps.db, analysisId),
    findExperiment(deps.db, experimentId),
  ]);
  if (
    analysis === undefined ||
    experiment === undefined ||
    analysis.experiment_id !== experimentId
  ) {
    throw new ValidationError(`unknown analysis ${analysisId} of ${experimentId}`, 404);
  }
  if (experiment.latest_analysis_id !== analysisId && payload.job_id === undefined) {
    deps.logger.info('stale analysis, no report', { analysis_id: analysisId });
    return;
  }
  const existing = await deps.db.query('SELECT 1 FROM reports WHERE analysis_id = $1', [
    analysisId,
  ]);
  if (existing.rows.length > 0) return;

  const summary = await experimentSummary(
    deps.db,
    deps.blobs,
    deps.config.buckets,
    experimentId,
    analysisId,
  );
  if (summary === undefined)
    throw new ValidationError(`analysis ${analysisId} has no summary`, 404);
  const definition = experiment.definition;
  const input: ReportInput = {
    experiment: { ...summary, report: null },
    name: definition?.name ?? experiment.name,
    hypothesis: definition?.hypothesis ?? null,
    primaryMetric: definition?.primary_metric ?? summary.metrics[0]?.name ?? null,
    batches: (analysis.details.batches ?? []) as ReportInput['batches'],
    cumulativeLift: (analysis.details.cumulative_lift ?? []) as ReportInput['cumulativeLift'],
    version: abtestVersion,
    alerts: (await unresolvedAlerts(deps.db, experimentId)).map((alert) => ({
      severity: alert.severity,
      kind: alert.kind,
      metric: alert.metric === '' ? null : alert.metric,
      status: alert.status,
      message: alert.message,
    })),
  };
  const pdfKey = reportKey(experimentId, analysisId, 'pdf');
  const csvKey = reportKey(experimentId, analysisId, 'csv');
  const bucket = deps.config.buckets.artifacts;
  await deps.blobs.write(bucket, pdfKey, await renderReportPdf(input), {
    contentType: 'application/pdf',
  });
  await deps.blobs.write(bucket, csvKey, reportCsv(input.experiment), { contentType: 'text/csv' });
  for (const plot of reportPlots(input)) {
    await deps.blobs.write(
      bucket,
      `${plotsPrefix(experimentId, analysisId)}${plot.name}`,
      plot.svg,
      {
        contentType: 'image/svg+xml',
      },
    );
  }
  await deps.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO reports (analysis_id, experiment_id, pdf_key, csv_key) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [analysisId, experimentId, pdfKey, csvKey],
    );
    await enqueueMessage(
      tx,
      topics.reportReady,
      {
        version: 1,
        experiment_id: experimentId,
        analysis_id: analysisId,
        pdf: deps.blobs.uri(bucket, pdfKey),
        csv: deps.blobs.uri(bucket, csvKey),
      },
      analysisId,
    );
    // Webhooks are announced with the report and delivered beside the chain, never awaited.
    const base = `/v1/experiments/${experimentId}/reports/${analysisId}`;
    await enqueueWebhookEvent(
      tx,
      deps.config,
      'report.ready',
      { experiment_id: experimentId, analysis_id: analysisId },
      { pdf: `${base}.pdf`, csv: `${base}.csv` },
    );
  });
  deps.logger.info('report written', { analysis_id: analysisId, pdf: pdfKey });
}
