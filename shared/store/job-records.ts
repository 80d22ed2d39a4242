/**
 * The `jobs` table: asynchronous work asked for over HTTP (`POST /v1/analytics/run`,
 * `POST /v1/model/train`), whose progress `GET /v1/jobs/{job_id}` reports. The results API
 * creates a job `queued`; the stages move it to `running` to `completed` (or `failed`).
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../adapters/database/database.ts';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';

/** A job as stored. */
export interface JobRow {
  readonly job_id: string;
  readonly kind: 'analysis' | 'training';
  readonly experiment_id: string | null;
  readonly status: JobStatus;
  readonly result: unknown;
  readonly error: string | null;
  readonly created_at: Date;
  readonly updated_at: Date;
}

/**
 * Moves a job on. A job already completed or failed is left as it is (a redelivered message).
 * @param db - the database or the stage's transaction
 * @param jobId - the job, or undefined when the work was not asked for as a job
 * @param status - the new status
 * @param outcome - the result (completed) or the error (failed)
 * @example await updateJob(tx, 'job_0123', 'completed', { result: { analysis_id, outcome: 'new' } })
 */
export async function updateJob(
  db: Queryable,
  jobId: string | undefined,
  status: JobStatus,
  outcome: { readonly result?: unknown; readonly error?: string } = {},
): Promise<void> {
  if (jobId === undefined) return;
  await db.query(
    `UPDATE jobs SET status = $2, result = COALESCE($3, result), error = $4, updated_at = now()
     WHERE job_id = $1 AND status NOT IN ('completed', 'failed')`,
    [
      jobId,
      status,
      outcome.result === undefined ? null : JSON.stringify(outcome.result),
      outcome.error ?? null,
    ],
  );
}

/**
 * Inserts a queued job under a new id: `job_` and 24 random hexadecimal digits.
 * @param tx - the transaction that also enqueues its message
 * @param kind - what the job does
 * @param experimentId - the experiment it is for
 * @returns the stored job
 * @example await insertJob(tx, 'analysis', 'exp1') // { job_id: 'job_3f2a...', status: 'queued', ... }
 */
export async function insertJob(
  tx: Queryable,
  kind: JobRow['kind'],
  experimentId: string,
): Promise<JobRow> {
  const result = await tx.query<JobRow>(
    `INSERT INTO jobs (job_id, kind, experiment_id, status) VALUES ($1, $2, $3, 'queued')
     RETURNING job_id, kind, experiment_id, status, result, error, created_at, updated_at`,
    [`job_${randomBytes(12).toString('hex')}`, kind, experimentId],
  );
  return result.rows[0] as JobRow;
}

/**
 * Reads a job.
 * @param db - the database
 * @param jobId - the job
 * @returns the job, or undefined
 * @example await findJob(db, 'job_0123456789abcdef01234567')
 */
export async function findJob(db: Queryable, jobId: string): Promise<JobRow | undefined> {
  const result = await db.query<JobRow>(
    `SELECT job_id, kind, experiment_id, status, result, error, created_at, updated_at
     FROM jobs WHERE job_id = $1`,
    [jobId],
  );
  return result.rows[0];
}
