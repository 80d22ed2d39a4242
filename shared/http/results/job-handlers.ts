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
import { jobRequestSchema, type JobView } from './api-schemas.ts';
import { experimentState } from './experiment-state.ts';
import { isoTime } from './iso-time.ts';
import { findJob, insertJob, newJobId, type JobRow } from './job-records.ts';
import { readJsonBody } from './json-body.ts';
import { checkedId } from './path-ids.ts';
import type { RouteContext } from '../route.ts';

/**
 * `POST /v1/analytics/run` `{ "experiment_id" }`: re-analyse from the curated data.
 * @param context - the request
 * @example await requestAnalysis(context)
 */
export async function requestAnalysis(context: RouteContext): Promise<void> {
  const experimentId = await requestedExperimentId(context);
  const job = await context.deps.db.transaction(async (tx) => {
    const inserted = await insertJob(tx, {
      job_id: newJobId(),
      kind: 'analysis',
      experiment_id: experimentId,
    });
    await enqueueMessage(tx, topics.rerun, {
      version: 1,
      experiment_id: experimentId,
      job_id: inserted.job_id,
    });
    return inserted;
  });
  await accepted(context, job, experimentId);
}

/**
 * `POST /v1/model/train` `{ "experiment_id" }`: train the models of the latest analysis again.
 * @param context - the request
 * @example await requestTraining(context)
 */
export async function requestTraining(context: RouteContext): Promise<void> {
  const experimentId = await requestedExperimentId(context);
  const job = await context.deps.db.transaction(async (tx) => {
    const state = await experimentState(tx, experimentId);
    const analysisId = state?.latest_analysis_id ?? null;
    if (analysisId === null) {
      throw new ValidationError(`experiment ${experimentId} has no analysis to train on`, 404);
    }
    const inserted = await insertJob(tx, {
      job_id: newJobId(),
      kind: 'training',
      experiment_id: experimentId,
    });
    await enqueueMessage(tx, topics.analysisCompleted, {
      version: 1,
      experiment_id: experimentId,
      analysis_id: analysisId,
      job_id: inserted.job_id,
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

async function requestedExperimentId(context: RouteContext): Promise<string> {
  const parsed = jobRequestSchema.safeParse(await readJsonBody(context.req));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      400,
    );
  }
  const experimentId = parsed.data.experiment_id;
  if ((await experimentState(context.deps.db, experimentId)) === undefined) {
    throw new ValidationError(`unknown experiment ${experimentId}`, 404);
  }
  return experimentId;
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
