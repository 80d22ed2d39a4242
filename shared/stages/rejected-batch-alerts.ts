/**
 * The `rejected_rows` alert of a batch rejected whole (a file error, or a rejected share above
 * ABTEST_REJECT_THRESHOLD): nothing of it is curated, so the monitor never sees it, and an upload
 * is not tied to one experiment. The alert goes to every running experiment, whose events the
 * batch may have held; with none running, the rejection stays on the batch (`GET
 * /v1/batches/{id}`). Called once by ingest (a file error found on upload) and once by validate.
 */
import { rejectedRowsSignal } from '../live/alert-rules.ts';
import { raiseAlert } from '../store/alert-records.ts';
import { experimentsToRerun } from '../store/experiment-records.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * Raises `rejected_rows` (severity `error`) on every running experiment for a batch rejected
 * whole. A repeat of the same batch (a redelivered message) counts once.
 * @param deps - the ports
 * @param batch - the batch's id, source and counts (null when the file could not be read)
 * @param reason - why it was rejected (the file error's message)
 * @returns when the alerts are written (the caller flushes the bus)
 * @example await alertRejectedBatch(deps, { batch_id, source, rows_read: null, rejected: null }, error.message)
 */
export async function alertRejectedBatch(
  deps: Pick<StageDeps, 'db' | 'config'>,
  batch: {
    readonly batch_id: string;
    readonly source: string;
    readonly rows_read: number | null;
    readonly rejected: number | null;
  },
  reason: string,
): Promise<void> {
  const signal = rejectedRowsSignal(
    { ...batch, rejected_whole: reason },
    deps.config.rejectThreshold,
  );
  if (signal === undefined) return;
  const running = await experimentsToRerun(deps.db, undefined);
  if (running.length === 0) return;
  await deps.db.transaction(async (tx) => {
    for (const experimentId of running) {
      await raiseAlert(tx, deps.config, experimentId, signal, `batch:${batch.batch_id}`);
    }
  });
}
