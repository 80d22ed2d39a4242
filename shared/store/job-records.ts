/**
 * The `jobs` table: asynchronous work asked for over HTTP (`POST /v1/analytics/run`,
 * `POST /v1/model/train`), whose progress `GET /v1/jobs/{job_id}` reports. The stages move a
 * job from `queued` to `running` to `completed` (or `failed`).
 */
import type { Queryable } from '../adapters/database/database.ts';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';

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
