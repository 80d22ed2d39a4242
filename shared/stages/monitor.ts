/**
 * The monitor stage (issue 14): subscribed to `abtest.batch.validated`, it reads each
 * (batch, experiment)'s accepted rows once and folds them into the experiment's streaming
 * posterior and time-window rollups, raises `rejected_rows` alerts and announces the batch on
 * the live feed. A redelivered batch changes nothing (`live_batches`); instances take turns per
 * experiment (a row lock), so the state is the same on one laptop or many Cloud Run instances.
 * The tick (monitor-tick.ts) turns the state into snapshots.
 */
import pl from 'nodejs-polars';
import { successEventOf, type ExperimentDefinition } from '../analysis/experiment-definition.ts';
import { rejectedRowsSignal } from '../live/alert-rules.ts';
import { batchRollups, decisiveEvents } from '../live/batch-reduction.ts';
import { update, type LiveUser, type ReducerRules } from '../live/posterior-reducer.ts';
import { raiseAlert } from '../store/alert-records.ts';
import { findBatch } from '../store/batch-records.ts';
import { findExperiment } from '../store/experiment-records.ts';
import { appendLiveEvent } from '../store/live-feed.ts';
import {
  addWindowRollups,
  claimMonitoredBatch,
  liveArms,
  liveUsers,
  lockLiveState,
  saveLiveArms,
  saveLiveUsers,
} from '../store/live-records.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * The reducer's rules of an experiment: its exposure and success events and its window.
 * @param definition - the definition, or undefined
 * @returns the rules
 * @example reducerRules(undefined) // { exposureEvent: 'exposure', successEvent: 'purchase' }
 */
export function reducerRules(definition: ExperimentDefinition | undefined): ReducerRules {
  return {
    exposureEvent: definition?.exposure_event ?? 'exposure',
    successEvent: successEventOf(definition),
    startUs:
      definition?.start_at === undefined ? undefined : Date.parse(definition.start_at) * 1000,
    endUs: definition?.end_at === undefined ? undefined : Date.parse(definition.end_at) * 1000,
  };
}

/**
 * Monitors a validated batch.
 * @param deps - the ports
 * @param batchId - the batch
 * @param experimentIds - the experiments it holds events of
 * @returns when every experiment's live state holds the batch
 * @example await monitorBatch(deps, 'b_0123456789abcdef01234567', ['exp1'])
 */
export async function monitorBatch(
  deps: StageDeps,
  batchId: string,
  experimentIds: readonly string[],
): Promise<void> {
  const batch = await findBatch(deps.db, batchId);
  if (batch === undefined) return;
  for (const experimentId of [...experimentIds].sort()) {
    const experiment = await findExperiment(deps.db, experimentId);
    const part = await deps.db.query<{ curated_key: string; accepted: number }>(
      'SELECT curated_key, accepted FROM batch_experiments WHERE batch_id = $1 AND experiment_id = $2',
      [batchId, experimentId],
    );
    const curatedKey = part.rows[0]?.curated_key;
    if (experiment === undefined || curatedKey === undefined) continue;
    const definition = experiment.definition ?? undefined;
    const rules = reducerRules(definition);
    let decisive: ReturnType<typeof decisiveEvents> = [];
    let rollups: ReturnType<typeof batchRollups> = [];
    if (experiment.unit_table === null) {
      const file = await deps.blobs.localFile(deps.config.buckets.curated, curatedKey);
      const frame = pl.readParquet(file);
      decisive = decisiveEvents(frame, rules);
      rollups = batchRollups(frame);
    }
    await deps.db.transaction(async (tx) => {
      await lockLiveState(tx, experimentId);
      if (!(await claimMonitoredBatch(tx, batchId, experimentId))) return;
      if (decisive.length > 0) {
        const ids = [...new Set(decisive.map((event) => event.user_id))];
        const users = await liveUsers(tx, experimentId, ids);
        const { arms, ticked } = await liveArms(tx, experimentId);
        const next = update({ users, arms, ticked }, decisive, rules);
        const changed: [string, LiveUser][] = [];
        for (const id of ids) {
          const user = next.users.get(id);
          if (user !== undefined && user !== users.get(id)) changed.push([id, user]);
        }
        await saveLiveUsers(tx, experimentId, changed);
        await saveLiveArms(tx, experimentId, next.arms);
      }
      await addWindowRollups(tx, experimentId, rollups);
      const signal = rejectedRowsSignal(
        {
          batch_id: batchId,
          source: batch.source,
          rows_read: batch.rows_read ?? 0,
          rejected: batch.rejected ?? 0,
        },
        deps.config.rejectThreshold,
      );
      if (signal !== undefined) {
        await raiseAlert(tx, deps.config, experimentId, signal, `batch:${batchId}`);
      }
      await appendLiveEvent(tx, {
        type: 'batch.validated',
        experimentId,
        key: `${batchId}:${experimentId}`,
        data: {
          batch_id: batchId,
          experiment_id: experimentId,
          source: batch.source,
          accepted: part.rows[0]?.accepted ?? 0,
          rejected: batch.rejected ?? 0,
          duplicates: batch.duplicates ?? 0,
        },
      });
    });
  }
  deps.logger.debug('batch monitored', { batch_id: batchId });
}
