/**
 * The rows of `jobs` the results API writes and reads: a job is created `queued` by
 * `POST /v1/analytics/run` or `POST /v1/model/train`; the stages move it on.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../adapters/database/database.ts';

/** A job as stored. */
export interface JobRow {
  readonly job_id: string;
  readonly kind: 'analysis' | 'training';
  readonly experiment_id: string | null;
  readonly status: 'queued' | 'running' | 'completed' | 'failed';
  readonly result: unknown;
  readonly error: string | null;
  readonly created_at: Date;
  readonly updated_at: Date;
}

/**
 * A new job id: `job_` and 24 random hexadecimal digits.
 * @returns the id
 * @example newJobId() // 'job_3f2a...'
 */
export function newJobId(): string {
  return `job_${randomBytes(12).toString('hex')}`;
}

/**
 * Inserts a queued job.
 * @param tx - the transaction that also enqueues its message
 * @param job - id, kind and experiment
 * @returns the stored job
 * @example await insertJob(tx, { job_id: newJobId(), kind: 'analysis', experiment_id: 'exp1' })
 */
export async function insertJob(
  tx: Queryable,
  job: Pick<JobRow, 'job_id' | 'kind'> & { readonly experiment_id: string },
): Promise<JobRow> {
  const result = await tx.query<JobRow>(
    `INSERT INTO jobs (job_id, kind, experiment_id, status) VALUES ($1, $2, $3, 'queued')
     RETURNING job_id, kind, experiment_id, status, result, error, created_at, updated_at`,
    [job.job_id, job.kind, job.experiment_id],
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
