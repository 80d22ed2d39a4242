/**
 * The analyze stage: an experiment's curated events become the result document's experiment
 * object, stored as an `analyses` row. The analysis id comes from the fingerprint of what went
 * in (the batches' bytes, the definition, the settings, the analysis version; see
 * shared/provenance/), so analysing the same data again finds the same analysis and records the
 * run as `unchanged`; a burst of batches is coalesced into the analyses that actually differ.
 * The per-user table is kept beside it for the train stage.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { enqueueMessage } from '../adapters/event-bus/outbox.ts';
import { buildUserFrame, readUnitFrames, toUserTable } from '../analysis/build-user-table.ts';
import { cumulativeLift } from '../analysis/cumulative-lift.ts';
import { metricSpecs, planVariants } from '../analysis/experiment-definition.ts';
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
import { analysisInputs } from '../store/provenance-records.ts';
import { updateJob } from '../store/job-records.ts';
import { userTableKey } from '../store/storage-layout.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';
import type { StageDeps } from './stage-deps.ts';

/** Why analysis ran. */
export interface AnalysisTrigger {
  readonly kind: 'batch' | 'rerun' | 'http';
  /** The message (or job) that caused it; a repeat of it records nothing new. */
  readonly triggerId: string;
  readonly jobId?: string | undefined;
}

/** What an analysis run found. */
export interface AnalysisOutcome {
  readonly analysisId: string | null;
  readonly outcome: 'new' | 'unchanged' | 'no_data';
}

/**
 * Analyses an experiment over all its curated data.
 * @param deps - the ports
 * @param experimentId - the experiment
 * @param trigger - what caused the run
 * @returns the analysis id and whether it is new
 * @throws {ValidationError} (404) for an unknown experiment
 * @example await analyzeExperiment(deps, 'exp1', { kind: 'rerun', triggerId: message.id })
 */
export async function analyzeExperiment(
  deps: StageDeps,
  experimentId: string,
  trigger: AnalysisTrigger,
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
  const batchIds = new Set(batches.map((batch) => batch.batch_id));
  const inputs = (await analysisInputs(deps.db, experimentId)).filter((input) =>
    batchIds.has(input.batch_id),
  );
  const fingerprint = experimentFingerprint(experiment, inputs);
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
  const metrics = unitTable?.metrics ?? metricSpecs(definition);
  const users =
    unitTable === undefined
      ? await buildUserFrame(files, metricSpecs(definition), definition)
      : await readUnitFrames(files);
  const { table, exposedAt } = toUserTable(users.frame, metrics);
  const plan = planVariants(definition, table.variant.levels, unitTable?.control ?? undefined);
  const alpha = analysisAlpha(experiment.definition);
  const statistics = summarizeExperiment(table, plan, alpha);
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
    metrics: statistics.metrics,
    models: [],
    report: null,
    provenance: analysisProvenance(experiment, inputs, computedAt),
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
        },
      },
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
  });
  deps.logger.info('analysis completed', {
    experiment_id: experimentId,
    analysis_id: analysisId,
    users: table.variant.codes.length,
  });
  return { analysisId, outcome: 'new' };
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
