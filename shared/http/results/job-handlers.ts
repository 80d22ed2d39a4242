/**
 * `POST /v1/analytics/run`, `POST /v1/model/train` and `GET /v1/jobs/{job_id}`. A POST answers
 * 202 at once: the job row and its message (`abtest.rerun` for an analysis,
 * `abtest.analysis.completed` of the latest analysis for a training) are written in one
 * transaction, each job its own message, and the outbox is flushed; the stages do the work
 * and move the job on.
 */
import { enqueueMessage } from '../../adapters/event-bus/outbox.ts';
import { ValidationError } from '../../errors/errors.ts';
import { topics } from '../../messages/topics.ts';
import { sendJson } from '../http-json.ts';
import type { Queryable } from '../../adapters/database/database.ts';
import { metricSpecs } from '../../analysis/experiment-definition.ts';
import { analysisFeatures } from '../../stages/train.ts';
import { findAnalysis } from '../../store/analysis-records.ts';
import { findExperiment } from '../../store/experiment-records.ts';
import { analysisRunRequestSchema, trainRequestSchema, type JobView } from './api-schemas.ts';
import { experimentState } from './experiment-state.ts';
import { isoTime } from './iso-time.ts';
import { findJob, insertJob, type JobRow } from '../../store/job-records.ts';
import { checkedBody, readJsonBody } from './json-body.ts';
import { checkedId } from './path-ids.ts';
import type { RouteContext } from '../route.ts';

/**
 * `POST /v1/analytics/run` `{ "experiment_id", "metrics"?, "ci"? }`: re-analyse from the
 * curated data; with `metrics` and `ci`, only those metrics at alpha = 1 - ci, as an analysis of
 * its own.
 * @param context - the request
 * @throws {ValidationError} 400 naming an unknown metric or a ci outside (0, 1); 404 for an
 * unknown experiment
 * @example await requestAnalysis(context)
 */
export async function requestAnalysis(context: RouteContext): Promise<void> {
  const body = checkedBody(analysisRunRequestSchema, await readJsonBody(context.req));
  const experimentId = await knownExperimentId(context, body.experiment_id);
  if (body.metrics !== undefined) {
    const experiment = await findExperiment(context.deps.db, experimentId);
    const known =
      experiment?.unit_table?.metrics.map((metric) => metric.name) ??
      metricSpecs(experiment?.definition ?? undefined).map((metric) => metric.name);
    const unknown = body.metrics.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new ValidationError(
        `metrics: unknown metric ${unknown.map((name) => `"${name}"`).join(', ')} (the experiment has ${known.join(', ')})`,
        400,
      );
    }
  }
  const job = await context.deps.db.transaction(async (tx) => {
    const inserted = await insertJob(tx, 'analysis', experimentId);
    await enqueueMessage(tx, topics.rerun, {
      version: 1,
      experiment_id: experimentId,
      job_id: inserted.job_id,
      ...(body.metrics === undefined ? {} : { metrics: body.metrics }),
      // 1 - 0.9 is 0.09999999999999998 in binary: the alpha a reader expects is 0.1.
      ...(body.ci === undefined ? {} : { alpha: Number((1 - body.ci).toPrecision(12)) }),
    });
    return inserted;
  });
  await accepted(context, job, experimentId);
}

/**
 * `POST /v1/model/train` `{ "experiment_id", "target"?, "features"? }`: with a target, fit
 * exactly that metric on exactly those features of the latest analysis; without, train every
 * metric's model of the latest analysis again.
 * @param context - the request
 * @throws {ValidationError} 400 naming an unknown target or feature; 404 for an unknown
 * experiment or one without an analysis
 * @example await requestTraining(context)
 */
export async function requestTraining(context: RouteContext): Promise<void> {
  const body = checkedBody(trainRequestSchema, await readJsonBody(context.req));
  const experimentId = await knownExperimentId(context, body.experiment_id);
  if (body.features !== undefined && body.target === undefined) {
    throw new ValidationError('features: name the target they predict (target)', 400);
  }
  const job = await context.deps.db.transaction(async (tx) => {
    const state = await experimentState(tx, experimentId);
    const analysisId = state?.latest_analysis_id ?? null;
    if (analysisId === null) {
      throw new ValidationError(`experiment ${experimentId} has no analysis to train on`, 404);
    }
    if (body.target !== undefined) {
      await checkTrainingRequest(tx, analysisId, body.target, body.features ?? []);
    }
    const inserted = await insertJob(tx, 'training', experimentId);
    await enqueueMessage(tx, topics.analysisCompleted, {
      version: 1,
      experiment_id: experimentId,
      analysis_id: analysisId,
      job_id: inserted.job_id,
      ...(body.target === undefined ? {} : { target: body.target, features: body.features ?? [] }),
    });
    return inserted;
  });
  await accepted(context, job, experimentId);
}

/**
 * `GET /v1/jobs/{job_id}`.
 * @param context - the request
 * @example await getJob(context)
 */
export async function getJob(context: RouteContext): Promise<void> {
  const jobId = checkedId('job', context.params.job_id);
  const job = await findJob(context.deps.db, jobId);
  if (job === undefined) throw new ValidationError(`unknown job ${jobId}`, 404);
  sendJson(context.res, 200, jobView(job));
}

async function knownExperimentId(context: RouteContext, experimentId: string): Promise<string> {
  if ((await experimentState(context.deps.db, experimentId)) === undefined) {
    throw new ValidationError(`unknown experiment ${experimentId}`, 404);
  }
  return experimentId;
}

/** 400 naming every unknown target or feature of a training request. */
async function checkTrainingRequest(
  db: Queryable,
  analysisId: string,
  target: string,
  features: readonly string[],
): Promise<void> {
  const analysis = await findAnalysis(db, analysisId);
  const metrics = ((analysis?.details.metrics ?? []) as readonly { name: string }[]).map(
    (metric) => metric.name,
  );
  const available = analysisFeatures(analysis?.details ?? {});
  const offered = [...(available?.categorical ?? []), ...(available?.numeric ?? [])];
  const problems = [
    ...(metrics.includes(target)
      ? []
      : [`target: unknown metric "${target}" (the analysis has ${metrics.join(', ')})`]),
    ...features
      .filter((name) => !offered.includes(name))
      .map(
        (name) =>
          `features: unknown feature "${name}" (the analysis has ${offered.length === 0 ? 'none' : offered.join(', ')})`,
      ),
  ];
  if (problems.length > 0) throw new ValidationError(problems.join('; '), 400);
}

async function accepted(context: RouteContext, job: JobRow, experimentId: string): Promise<void> {
  try {
    await context.deps.bus.flush();
  } catch (error) {
    // The message is in the outbox, committed with the job; the next flush sends it.
    context.logger.warn('job message not sent yet', { job_id: job.job_id, error });
  }
  const location = `/v1/jobs/${job.job_id}`;
  context.logger.info('job queued', {
    job_id: job.job_id,
    kind: job.kind,
    experiment_id: experimentId,
  });
  sendJson(
    context.res,
    202,
    {
      job_id: job.job_id,
      status: 'queued',
      kind: job.kind,
      experiment_id: experimentId,
      links: { job: location },
    },
    { location },
  );
}

function jobView(job: JobRow): JobView {
  return {
    job_id: job.job_id,
    kind: job.kind,
    experiment_id: job.experiment_id,
    status: job.status,
    result: job.result ?? null,
    error: job.error,
    created_at: isoTime(job.created_at),
    updated_at: isoTime(job.updated_at),
  };
}
