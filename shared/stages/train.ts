/**
 * The train stage: the per-user table an analysis kept is modelled (logistic regression for
 * binomial metrics, linear with HC1 errors for continuous ones, quasi-Poisson for counts, on the
 * variant and the covariates the definition names), each model stored as a `models` row and a
 * JSON artifact, and `abtest.model.trained` published. A message for an analysis that is no
 * longer the experiment's latest is dropped; a second delivery finds the models there and does
 * nothing. A training request with a `target` (`POST /v1/model/train`) fits exactly that metric
 * on exactly the features named, stored beside the chain's models as a requested one, and its
 * job's result is `{model_id, metrics, artifact_uri, features}`.
 */
import { createHash } from 'node:crypto';
import pl from 'nodejs-polars';
import { enqueueMessage } from '../adapters/event-bus/outbox.ts';
import { toUserTable } from '../analysis/build-user-table.ts';
import type { MetricSpec } from '../analysis/experiment-definition.ts';
import { modelSettings, type ModelSettings } from '../analysis/model-settings.ts';
import { ValidationError } from '../errors/errors.ts';
import type { AnalysisCompleted } from '../messages/message-schemas.ts';
import { topics } from '../messages/topics.ts';
import { trainModels, type TrainOptions } from '../models/index.ts';
import type { ModelResult } from '../result/result-document.ts';
import {
  findAnalysis,
  type AnalysisDetails,
  type AnalysisRecord,
} from '../store/analysis-records.ts';
import { findExperiment } from '../store/experiment-records.ts';
import { insertModel } from '../store/model-records.ts';
import { updateJob } from '../store/job-records.ts';
import { modelKey, userTableKey } from '../store/storage-layout.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * The model id of a metric's model in an analysis: `mo_` and 24 hex digits.
 * @param analysisId - the analysis
 * @param metric - the metric name
 * @param features - the features a training request named (absent for the chain's model)
 * @returns the model id
 * @example modelIdFor('an_1', 'revenue')
 */
export function modelIdFor(
  analysisId: string,
  metric: string,
  features?: readonly string[],
): string {
  const key =
    features === undefined
      ? `${analysisId}\n${metric}`
      : `${analysisId}\n${metric}\n${JSON.stringify(features)}`;
  return `mo_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/** The features an analysis's table offers a model, as recorded in its details. */
export interface AnalysisFeatures {
  readonly categorical: readonly string[];
  readonly numeric: readonly string[];
}

/**
 * The features of an analysis (attributes, numeric and derived covariates).
 * @param details - the analysis's details
 * @returns the feature names by kind; undefined for an analysis recorded before they were kept
 * @example analysisFeatures(analysis.details).categorical
 */
export function analysisFeatures(details: AnalysisDetails): AnalysisFeatures | undefined {
  const features = details.features as Partial<AnalysisFeatures> | undefined;
  return features === undefined
    ? undefined
    : { categorical: features.categorical ?? [], numeric: features.numeric ?? [] };
}

/**
 * The features a model's design kept, in design order (the variant first): the names of its
 * terms, `device[mobile]` read as `device`.
 * @param model - the model
 * @returns the feature names
 * @example fittedFeatures(model) // ['variant', 'device', 'price']
 */
export function fittedFeatures(model: ModelResult): string[] {
  const names = model.coefficients
    .map((row) => row.term)
    .filter((term) => term !== 'intercept')
    .map((term) => {
      const open = term.lastIndexOf('[');
      return term.endsWith(']') && open > 0 ? term.slice(0, open) : term;
    });
  return [...new Set(names)];
}

/** A trained model and where it went. */
interface StoredModel {
  readonly modelId: string;
  readonly key: string;
  readonly model: ModelResult;
  readonly features: readonly string[];
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
  const settings = modelSettings(experiment?.definition ?? undefined);
  if (payload.target !== undefined) {
    await trainRequested(deps, payload, analysis, settings, payload.target);
    return;
  }
  const trained = await deps.db.query(
    'SELECT 1 FROM models WHERE analysis_id = $1 AND NOT requested',
    [payload.analysis_id],
  );
  if (trained.rows.length > 0) {
    await updateJob(deps.db, payload.job_id, 'completed', {
      result: { analysis_id: payload.analysis_id, outcome: 'unchanged' },
    });
    return;
  }

  const features = analysisFeatures(analysis.details);
  const numeric = features?.numeric ?? [];
  const { table, options } = await modelInputs(deps, payload, analysis, numeric);
  const models = trainModels(table, {
    ...options,
    lambda: settings.lambda,
    numeric,
    categorical: settings.categorical ?? features?.categorical ?? null,
  });
  const stored = await writeArtifacts(
    deps,
    payload,
    table.unitIds.length,
    models,
    (model) => ({
      modelId: modelIdFor(payload.analysis_id, model.metric),
      features: fittedFeatures(model),
    }),
    analysis.document.provenance ?? null,
  );
  await deps.db.transaction(async (tx) => {
    for (const { modelId, key, model, features: fitted } of stored) {
      await insertModel(tx, {
        modelId,
        experimentId: payload.experiment_id,
        analysisId: payload.analysis_id,
        metric: model.metric,
        document: model,
        artifactKey: key,
        artifactUri: deps.blobs.uri(deps.config.buckets.artifacts, key),
        features: fitted,
        requested: false,
      });
    }
    await enqueueMessage(tx, topics.modelTrained, { ...payload }, payload.analysis_id);
    await updateJob(tx, payload.job_id, 'completed', {
      result: { analysis_id: payload.analysis_id, outcome: 'new' },
    });
  });
  deps.logger.info('models trained', { analysis_id: payload.analysis_id, models: models.length });
}

/**
 * Fits the model a training request asked for: its target on exactly its features (numeric
 * ones as numbers, the others one-hot), under the definition's penalty.
 */
async function trainRequested(
  deps: StageDeps,
  payload: AnalysisCompleted,
  analysis: AnalysisRecord,
  settings: ModelSettings,
  target: string,
): Promise<void> {
  const requested = payload.features ?? [];
  const available = analysisFeatures(analysis.details) ?? { categorical: [], numeric: [] };
  const metrics = (analysis.details.metrics ?? []) as readonly MetricSpec[];
  const unknown = [
    ...(metrics.some((metric) => metric.name === target) ? [] : [`target "${target}"`]),
    ...requested
      .filter((name) => !available.categorical.includes(name) && !available.numeric.includes(name))
      .map((name) => `feature "${name}"`),
  ];
  if (unknown.length > 0) {
    const error = new ValidationError(`unknown ${unknown.join(', ')}`, 400);
    await updateJob(deps.db, payload.job_id, 'failed', { error: error.message });
    throw error;
  }
  const modelId = modelIdFor(payload.analysis_id, target, requested);
  const existing = await deps.db.query<{ document: ModelResult; artifact_key: string }>(
    'SELECT document, artifact_key FROM models WHERE model_id = $1',
    [modelId],
  );
  const found = existing.rows[0];
  if (found !== undefined) {
    await updateJob(deps.db, payload.job_id, 'completed', {
      result: trainingResult(deps, modelId, found.document, found.artifact_key, requested),
    });
    return;
  }
  await updateJob(deps.db, payload.job_id, 'running');
  const { table, options } = await modelInputs(deps, payload, analysis, available.numeric);
  const [model] = trainModels(table, {
    ...options,
    metrics: [target],
    lambda: settings.lambda,
    numeric: requested.filter((name) => available.numeric.includes(name)),
    categorical: requested.filter((name) => available.categorical.includes(name)),
  });
  const [stored] = await writeArtifacts(
    deps,
    payload,
    table.unitIds.length,
    [model],
    () => ({ modelId, features: requested }),
    analysis.document.provenance ?? null,
  );
  await deps.db.transaction(async (tx) => {
    await insertModel(tx, {
      modelId,
      experimentId: payload.experiment_id,
      analysisId: payload.analysis_id,
      metric: target,
      document: model,
      artifactKey: stored.key,
      artifactUri: deps.blobs.uri(deps.config.buckets.artifacts, stored.key),
      features: requested,
      requested: true,
    });
    await updateJob(tx, payload.job_id, 'completed', {
      result: trainingResult(deps, modelId, model, stored.key, requested),
    });
  });
  deps.logger.info('requested model trained', {
    analysis_id: payload.analysis_id,
    model_id: modelId,
  });
}

/**
 * The job result of a training request.
 * @param deps - the ports (the artifacts bucket's URI)
 * @param modelId - the model
 * @param model - its document
 * @param key - its artifact key
 * @param features - the features fitted, as given
 * @returns `{model_id, metrics, artifact_uri, features}`; `metrics` are the cross-validation's
 * and the holdout's
 */
function trainingResult(
  deps: StageDeps,
  modelId: string,
  model: ModelResult,
  key: string,
  features: readonly string[],
) {
  return {
    model_id: modelId,
    metrics: { cv: model.cv, holdout: model.holdout ?? null },
    artifact_uri: deps.blobs.uri(deps.config.buckets.artifacts, key),
    features,
  };
}

/** The analysis's unit table and the options every model of it shares. */
async function modelInputs(
  deps: StageDeps,
  payload: AnalysisCompleted,
  analysis: AnalysisRecord,
  numeric: readonly string[],
) {
  const metrics = (analysis.details.metrics ?? []) as readonly MetricSpec[];
  const control = String(analysis.details.control ?? 'control');
  const file = await deps.blobs.localFile(
    deps.config.buckets.curated,
    userTableKey(payload.experiment_id, payload.analysis_id),
  );
  const { table } = toUserTable(pl.readParquet(file), metrics, numeric);
  const options: TrainOptions = {
    control,
    alpha: analysis.document.alpha,
    countMetrics: metrics
      .filter((metric) => metric.aggregate === 'count')
      .map((metric) => metric.name),
  };
  return { table, options };
}

/** Writes each model's JSON artifact. */
async function writeArtifacts(
  deps: StageDeps,
  payload: AnalysisCompleted,
  units: number,
  models: readonly ModelResult[],
  identify: (model: ModelResult) => { modelId: string; features: readonly string[] },
  provenance: unknown,
): Promise<StoredModel[]> {
  const stored: StoredModel[] = [];
  for (const model of models) {
    const { modelId, features } = identify(model);
    const key = modelKey(payload.experiment_id, modelId);
    const artifact = {
      model_id: modelId,
      experiment_id: payload.experiment_id,
      analysis_id: payload.analysis_id,
      units,
      features,
      ...model,
      // The analysis's block: the model comes from the same inputs, definition and code.
      provenance,
    };
    await deps.blobs.write(
      deps.config.buckets.artifacts,
      key,
      `${JSON.stringify(artifact, null, 2)}\n`,
      { contentType: 'application/json' },
    );
    stored.push({ modelId, key, model, features });
  }
  return stored;
}
