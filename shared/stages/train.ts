/**
 * The train stage: the per-user table an analysis kept is modelled (logistic regression for
 * binomial metrics, linear with HC1 errors for continuous ones, on the variant and the user
 * attributes), each model stored as a `models` row and a JSON artifact, and
 * `abtest.model.trained` published. A message for an analysis that is no longer the
 * experiment's latest is dropped; a second delivery finds the models there and does nothing.
 */
import { createHash } from 'node:crypto';
import pl from 'nodejs-polars';
import { enqueueMessage } from '../adapters/event-bus/outbox.ts';
import { toUserTable } from '../analysis/build-user-table.ts';
import type { MetricSpec } from '../analysis/experiment-definition.ts';
import { ValidationError } from '../errors/errors.ts';
import type { AnalysisCompleted } from '../messages/message-schemas.ts';
import { topics } from '../messages/topics.ts';
import { trainModels } from '../models/index.ts';
import { findAnalysis } from '../store/analysis-records.ts';
import { findExperiment } from '../store/experiment-records.ts';
import { updateJob } from '../store/job-records.ts';
import { modelKey, userTableKey } from '../store/storage-layout.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * The model id of a metric's model in an analysis: `mo_` and 24 hex digits.
 * @param analysisId - the analysis
 * @param metric - the metric name
 * @returns the model id
 * @example modelIdFor('an_1', 'revenue')
 */
export function modelIdFor(analysisId: string, metric: string): string {
  return `mo_${createHash('sha256').update(`${analysisId}\n${metric}`).digest('hex').slice(0, 24)}`;
}

/**
 * Trains the models of an analysis.
 * @param deps - the ports
 * @param payload - the analysis.completed message
 * @throws {ValidationError} (404) when the analysis does not exist
 * @example await trainAnalysis(deps, { version: 1, experiment_id: 'e', analysis_id: 'an_1' })
 */
export async function trainAnalysis(deps: StageDeps, payload: AnalysisCompleted): Promise<void> {
  const analysis = await findAnalysis(deps.db, payload.analysis_id);
  if (analysis === undefined || analysis.experiment_id !== payload.experiment_id) {
    throw new ValidationError(
      `unknown analysis ${payload.analysis_id} of ${payload.experiment_id}`,
      404,
    );
  }
  const experiment = await findExperiment(deps.db, payload.experiment_id);
  if (experiment?.latest_analysis_id !== payload.analysis_id && payload.job_id === undefined) {
    deps.logger.info('stale analysis, not trained', { analysis_id: payload.analysis_id });
    return;
  }
  const trained = await deps.db.query('SELECT 1 FROM models WHERE analysis_id = $1', [
    payload.analysis_id,
  ]);
  if (trained.rows.length > 0) return;

  const metrics = (analysis.details.metrics ?? []) as readonly MetricSpec[];
  const control = String(analysis.details.control ?? 'control');
  const file = await deps.blobs.localFile(
    deps.config.buckets.curated,
    userTableKey(payload.experiment_id, payload.analysis_id),
  );
  const { table } = toUserTable(pl.readParquet(file), metrics);
  const models = trainModels(table, { control, alpha: analysis.document.alpha });

  const stored: { modelId: string; key: string; model: (typeof models)[number] }[] = [];
  for (const model of models) {
    const modelId = modelIdFor(payload.analysis_id, model.metric);
    const key = modelKey(payload.experiment_id, modelId);
    const artifact = {
      model_id: modelId,
      experiment_id: payload.experiment_id,
      analysis_id: payload.analysis_id,
      units: table.unitIds.length,
      ...model,
      // The analysis's block: the model comes from the same inputs, definition and code.
      provenance: analysis.document.provenance ?? null,
    };
    await deps.blobs.write(
      deps.config.buckets.artifacts,
      key,
      `${JSON.stringify(artifact, null, 2)}\n`,
      {
        contentType: 'application/json',
      },
    );
    stored.push({ modelId, key, model });
  }
  await deps.db.transaction(async (tx) => {
    for (const { modelId, key, model } of stored) {
      await tx.query(
        `INSERT INTO models (model_id, experiment_id, analysis_id, metric, document, artifact_key)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [
          modelId,
          payload.experiment_id,
          payload.analysis_id,
          model.metric,
          JSON.stringify(model),
          key,
        ],
      );
    }
    await enqueueMessage(tx, topics.modelTrained, { ...payload }, payload.analysis_id);
    await updateJob(tx, payload.job_id, 'completed', {
      result: { analysis_id: payload.analysis_id, outcome: 'new' },
    });
  });
  deps.logger.info('models trained', { analysis_id: payload.analysis_id, models: models.length });
}
