/**
 * The analyze stage: an experiment's curated events become the result document's experiment
 * object, stored as an `analyses` row. The analysis id comes from the fingerprint of what went
 * in (the batches' bytes, the definition, the settings, the analysis version; see
 * shared/provenance/), so analysing the same data again finds the same analysis and records the
 * run as `unchanged`; a burst of batches is coalesced into the analyses that actually differ.
 * The per-user table is kept beside it for the train stage.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { enqueueMessage } from '../adapters/event-bus/outbox.ts';
import { buildUserFrame, readUnitFrames, toUserTable } from '../analysis/build-user-table.ts';
import { cumulativeLift } from '../analysis/cumulative-lift.ts';
import { metricSpecs, planVariants, type MetricSpec } from '../analysis/experiment-definition.ts';
import { analysisOptions } from '../analysis/metric-columns.ts';
import { modelSettings } from '../analysis/model-settings.ts';
import { dailyResults } from '../analysis/daily-results.ts';
import {
  armMoments,
  sequenceKey,
  withSequentialView,
  type EarlierLook,
} from '../analysis/sequential-comparisons.ts';
import {
  comparisonPlannedUsers,
  planningStatus,
  plannedUsersOf,
  powerMetricOf,
} from '../analysis/sequential-plan.ts';
import { summarizeExperiment } from '../analysis/summarize-experiment.ts';
import { ValidationError } from '../errors/errors.ts';
import { topics } from '../messages/topics.ts';
import { analysisIdOf } from '../provenance/analysis-fingerprint.ts';
import {
  analysisAlpha,
  analysisProvenance,
  experimentFingerprint,
} from '../provenance/analysis-provenance.ts';
import type { ExperimentResult } from '../result/result-document.ts';
import {
  findAnalysis,
  insertAnalysis,
  promoteLatestAnalysis,
  recordAnalysisRun,
} from '../store/analysis-records.ts';
import { curatedBatches, findExperiment } from '../store/experiment-records.ts';
import { earlierLooks, insertLooks } from '../store/sequential-looks.ts';
import { EMPTY_MOMENTS } from '../stats/index.ts';
import { analysisInputs } from '../store/provenance-records.ts';
import { updateJob } from '../store/job-records.ts';
import { userTableKey } from '../store/storage-layout.ts';
import { chooseAnalysisEngine } from '../warehouse/analysis-engine.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';
import { recordAnalysisAlerts } from './analysis-alerts.ts';
import type { StageDeps } from './stage-deps.ts';

/** Why analysis ran. */
export interface AnalysisTrigger {
  readonly kind: 'batch' | 'rerun' | 'http';
  /** The message (or job) that caused it; a repeat of it records nothing new. */
  readonly triggerId: string;
  readonly jobId?: string | undefined;
}

/**
 * What an `analytics/run` request asks of one analysis: only these metrics (names of the
 * experiment's metrics), at this alpha (1 - ci). Absent: every metric at the definition's alpha.
 */
export interface AnalysisRequest {
  readonly metrics?: readonly string[] | undefined;
  readonly alpha?: number | undefined;
}

/** What an analysis run found. */
export interface AnalysisOutcome {
  readonly analysisId: string | null;
  readonly outcome: 'new' | 'unchanged' | 'no_data';
}

/**
 * The engine that analyses an experiment (`ABTEST_ENGINE`, shared/warehouse/analysis-engine.ts).
 * The warehouse engines (duckdb, bigquery) compute the moments table with the generated query
 * (shared/warehouse/moments-sql.ts); until the statistics read a moments table, an analysis
 * chosen for them runs in process, says so in the log, and names `inprocess` in its provenance.
 * Unit tables always run in process.
 */
async function analysisEngineOf(
  deps: StageDeps,
  experimentId: string,
  files: readonly string[],
  unitTable: boolean,
): Promise<'inprocess'> {
  const settings = deps.config.engine;
  if (unitTable || settings.engine === 'inprocess') return 'inprocess';
  const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
  const chosen = chooseAnalysisEngine(
    settings.engine,
    sizes.reduce((sum, size) => sum + size, 0),
    settings.bigqueryThresholdBytes,
  );
  if (chosen !== 'inprocess') {
    deps.logger.warn('the statistics do not read a moments table yet: analysed in process', {
      experiment_id: experimentId,
      engine: chosen,
    });
  }
  return 'inprocess';
}

/**
 * Analyses an experiment over all its curated data.
 * @param deps - the ports
 * @param experimentId - the experiment
 * @param trigger - what caused the run
 * @param request - metrics and alpha asked for (default: all, the definition's)
 * @returns the analysis id and whether it is new
 * @throws {ValidationError} (404) for an unknown experiment
 * @example await analyzeExperiment(deps, 'exp1', { kind: 'rerun', triggerId: message.id })
 */
export async function analyzeExperiment(
  deps: StageDeps,
  experimentId: string,
  trigger: AnalysisTrigger,
  asked: AnalysisRequest = {},
): Promise<AnalysisOutcome> {
  const experiment = await findExperiment(deps.db, experimentId);
  if (experiment === undefined) {
    const error = new ValidationError(`unknown experiment ${experimentId}`, 404);
    await updateJob(deps.db, trigger.jobId, 'failed', { error: error.message });
    throw error;
  }
  await updateJob(deps.db, trigger.jobId, 'running');
  const batches = await curatedBatches(deps.db, experimentId);
  if (batches.length === 0) {
    await updateJob(deps.db, trigger.jobId, 'completed', {
      result: { analysis_id: null, outcome: 'no_data' },
    });
    return { analysisId: null, outcome: 'no_data' };
  }
  const definition = experiment.definition ?? undefined;
  const request = effectiveRequest(
    asked,
    experiment.unit_table?.metrics ?? metricSpecs(definition),
    analysisAlpha(experiment.definition),
  );
  const batchIds = new Set(batches.map((batch) => batch.batch_id));
  const inputs = (await analysisInputs(deps.db, experimentId)).filter((input) =>
    batchIds.has(input.batch_id),
  );
  const fingerprint = experimentFingerprint(experiment, inputs, undefined, request);
  const analysisId = analysisIdOf(fingerprint);
  const run = {
    trigger_id: trigger.triggerId,
    experiment_id: experimentId,
    analysis_id: analysisId,
    trigger: trigger.kind,
    job_id: trigger.jobId,
  };

  if ((await findAnalysis(deps.db, analysisId)) !== undefined) {
    await deps.db.transaction(async (tx) => {
      await promoteLatestAnalysis(tx, experimentId, analysisId, batches.length);
      await recordAnalysisRun(tx, { ...run, outcome: 'unchanged' });
      await updateJob(tx, trigger.jobId, 'completed', {
        result: { analysis_id: analysisId, outcome: 'unchanged' },
      });
    });
    return { analysisId, outcome: 'unchanged' };
  }

  const files = await Promise.all(
    batches.map((batch) => deps.blobs.localFile(deps.config.buckets.curated, batch.curated_key)),
  );
  const unitTable = experiment.unit_table ?? undefined;
  const engine = await analysisEngineOf(deps, experimentId, files, unitTable !== undefined);
  const requested = <M extends { readonly name: string }>(all: readonly M[]): readonly M[] =>
    request.metrics === undefined ? all : all.filter((m) => request.metrics!.includes(m.name));
  const eventMetrics: readonly MetricSpec[] = requested(metricSpecs(definition));
  const metrics = unitTable === undefined ? eventMetrics : requested(unitTable.metrics);
  const users =
    unitTable === undefined
      ? await buildUserFrame(files, eventMetrics, definition)
      : await readUnitFrames(files);
  const settings = modelSettings(definition);
  const { table, exposedAt } = toUserTable(users.frame, metrics, settings.numeric);
  const plan = planVariants(definition, table.variant.levels, unitTable?.control ?? undefined);
  const alpha = request.alpha ?? analysisAlpha(experiment.definition);
  const statistics = summarizeExperiment(
    table,
    plan,
    alpha,
    analysisOptions(
      users.frame,
      definition,
      metrics.map((metric) => metric.name),
    ),
  );

  // The sequential view: this analysis is one look; the sequence runs over the earlier ones.
  const moments = armMoments(table, plan, statistics.metrics);
  const primaryName = definition?.primary_metric ?? metrics[0]?.name ?? null;
  const primarySpec = metrics.find((metric) => metric.name === primaryName);
  const primaryControl = moments.get(primaryName ?? '')?.get(plan.control) ?? EMPTY_MOMENTS;
  const planned = plannedUsersOf(
    definition,
    primarySpec === undefined ? null : { type: primarySpec.type, control: primaryControl },
    plan,
    alpha,
    table.variant.codes.length,
  );
  const keys = new Map(
    metrics.map((metric) => [
      metric.name,
      sequenceKey(experimentId, metric, plan.control, alpha, definition),
    ]),
  );
  const earlier = new Map<string, EarlierLook[]>();
  for (const metric of statistics.metrics) {
    for (const comparison of metric.comparisons) {
      const stored = await earlierLooks(
        deps.db,
        experimentId,
        keys.get(metric.name) ?? '',
        metric.name,
        comparison.variant,
        analysisId,
      );
      earlier.set(`${metric.name}\n${comparison.variant}`, stored);
    }
  }
  const sequential = withSequentialView(statistics.metrics, {
    moments,
    plan,
    alpha,
    planned,
    earlier: (metric, variant) => earlier.get(`${metric}\n${variant}`) ?? [],
    practicalEffect: definition?.practical_effect,
    primaryMetric: primaryName,
    guardrails: statistics.metrics
      .filter((metric) => metric.guardrail !== null)
      .map((metric) => metric.name),
    harmfulDirection: (name) =>
      statistics.metrics.find((metric) => metric.name === name)?.guardrail?.bad ?? 'decrease',
  });
  // The days are looks of their own, planned with today's plan: a function of the data alone.
  const nPlannedOf = (_metric: string, variant: string) =>
    comparisonPlannedUsers(planned.plannedUsers, plan, variant);
  const byDay =
    users.daily === undefined
      ? []
      : dailyResults(table, exposedAt, users.daily, plan, alpha, nPlannedOf);
  const treatmentUsers = plan.variants
    .filter((variant) => variant !== plan.control)
    .map((variant) => moments.get(primaryName ?? '')?.get(variant)?.n ?? 0);
  const planning = planningStatus({
    metric: primaryName,
    planned,
    baseline: primarySpec === undefined ? null : powerMetricOf(primarySpec.type, primaryControl),
    controlUsers: primaryControl.n,
    treatmentUsers: treatmentUsers.length === 0 ? 0 : Math.min(...treatmentUsers),
    arms: plan.variants.length,
    users: table.variant.codes.length,
    exposureDays: exposureDaysOf(exposedAt),
    alpha,
  });
  const computedAt = new Date().toISOString();
  const document: ExperimentResult = {
    experiment_id: experimentId,
    analysis_id: analysisId,
    computed_at: computedAt,
    alpha,
    data: {
      events: users.events,
      users: table.variant.codes.length,
      excluded_users: { multiple_variants: users.excludedMultipleVariants },
    },
    srm: statistics.srm,
    metrics: sequential.metrics,
    allocation: statistics.allocation,
    models: [],
    planning,
    by_day: byDay,
    report: null,
    provenance: analysisProvenance(experiment, inputs, computedAt, request, engine),
  };

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'abtest-analyze-'));
  try {
    const file = path.join(scratch, 'users.parquet');
    users.frame.writeParquet(file, { compression: 'zstd' });
    await deps.blobs.upload(
      file,
      deps.config.buckets.curated,
      userTableKey(experimentId, analysisId),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  const inputBatches = await analysedBatches(
    deps,
    batches.map((batch) => batch.batch_id),
  );
  await deps.db.transaction(async (tx) => {
    await insertAnalysis(
      tx,
      {
        analysis_id: analysisId,
        experiment_id: experimentId,
        input_fingerprint: fingerprint,
        input_batches: batches.length,
        document,
        details: {
          control: plan.control,
          metrics,
          batches: inputBatches,
          cumulative_lift: cumulativeLift(table, exposedAt, plan, alpha),
          // What a training request may name: attributes (one-hot) and numeric covariates.
          features: {
            categorical: table.attributes
              .map((attribute) => attribute.name)
              .filter((name) => !settings.numeric.includes(name)),
            numeric: (table.numeric ?? []).map((column) => column.name),
          },
        },
      },
      computedAt,
    );
    await insertLooks(
      tx,
      sequential.looks.map((look) => ({
        analysis_id: analysisId,
        experiment_id: experimentId,
        metric: look.metric,
        variant: look.variant,
        sequence_key: keys.get(look.metric) ?? '',
        n: look.n,
        n_planned: look.nPlanned,
        estimate: look.estimate,
        variance: look.variance,
      })),
      computedAt,
    );
    await recordAnalysisRun(tx, { ...run, outcome: 'new' });
    await updateJob(tx, trigger.jobId, 'completed', {
      result: { analysis_id: analysisId, outcome: 'new' },
    });
    await enqueueMessage(
      tx,
      topics.analysisCompleted,
      {
        version: 1,
        experiment_id: experimentId,
        analysis_id: analysisId,
        ...(trigger.jobId === undefined ? {} : { job_id: trigger.jobId }),
      },
      analysisId,
    );
    // Webhooks are announced with the analysis and delivered beside the chain, never awaited.
    await enqueueWebhookEvent(
      tx,
      deps.config,
      'analysis.completed',
      { experiment_id: experimentId, analysis_id: analysisId },
      {
        computed_at: computedAt,
        users: document.data.users,
        summary: `/v1/experiments/${experimentId}/summary`,
      },
      new Date(computedAt),
    );
    // The live feed and the alerts this result raises (srm, guardrail, decision).
    await recordAnalysisAlerts(tx, deps.config, document, definition?.primary_metric);
  });
  deps.logger.info('analysis completed', {
    experiment_id: experimentId,
    analysis_id: analysisId,
    users: table.variant.codes.length,
  });
  return { analysisId, outcome: 'new' };
}

/**
 * What a request changes: asking for every metric, or for the definition's own alpha, is the
 * analysis of everything (the same id), so the seed's `{metrics: ["conversion", "revenue"], ci:
 * 0.95}` finds the analysis the chain made.
 */
function effectiveRequest(
  asked: AnalysisRequest,
  all: readonly { readonly name: string }[],
  definedAlpha: number,
): AnalysisRequest {
  const subset =
    asked.metrics !== undefined && all.some((metric) => !asked.metrics!.includes(metric.name));
  const otherAlpha = asked.alpha !== undefined && asked.alpha !== definedAlpha;
  return {
    ...(subset ? { metrics: asked.metrics } : {}),
    ...(otherAlpha ? { alpha: asked.alpha } : {}),
  };
}

/** The batches an analysis read, with their content hashes, for the report's appendix. */
async function analysedBatches(deps: StageDeps, batchIds: readonly string[]) {
  const result = await deps.db.query(
    `SELECT batch_id, source, content_hash, accepted, rejected, duplicates, status
     FROM ingest_batches WHERE batch_id = ANY($1) ORDER BY batch_id`,
    [batchIds],
  );
  return result.rows;
}

/** UTC days from the first exposure's to the last's, inclusive; null without exposure times. */
function exposureDaysOf(exposedAt: Float64Array): number | null {
  let first = Infinity;
  let last = -Infinity;
  for (const t of exposedAt) {
    if (!Number.isFinite(t)) continue;
    first = Math.min(first, Math.floor(t / 86_400_000));
    last = Math.max(last, Math.floor(t / 86_400_000));
  }
  return Number.isFinite(first) ? last - first + 1 : null;
}
