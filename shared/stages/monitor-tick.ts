/**
 * The monitor's tick (`abtest.monitor.tick`: Cloud Scheduler on GCP, every
 * `ABTEST_TICK_SECONDS` under `abtest serve`): for each experiment with live counts, a snapshot
 * row per variant (counts, Beta posterior, P(beat control), expected loss, counts since the last
 * tick) to the sinks its definition names (`postgres` by default, `csv`, `log`, `pubsub`) and
 * to the live feed; then `no_data` alerts for running experiments without recent events. A
 * redelivered tick keeps its first time and snapshots nothing twice.
 */
import {
  planVariants,
  type ExperimentDefinition,
  type SnapshotSink,
} from '../analysis/experiment-definition.ts';
import { enqueueMessage } from '../adapters/event-bus/outbox.ts';
import { csvText } from '../csv/csv-text.ts';
import { noDataSignal } from '../live/alert-rules.ts';
import { snapshot, type PosteriorSnapshot } from '../live/posterior-reducer.ts';
import { topics } from '../messages/topics.ts';
import { raiseAlert } from '../store/alert-records.ts';
import { findExperiment } from '../store/experiment-records.ts';
import { appendLiveEvent, pruneLiveEvents } from '../store/live-feed.ts';
import {
  claimTick,
  insertSnapshots,
  liveArms,
  liveExperiments,
  lockLiveState,
  markLiveArmsTicked,
} from '../store/live-records.ts';
import type { StageDeps } from './stage-deps.ts';

/** How long the live feed keeps its events (a client away longer resumes from what is kept). */
export const liveFeedRetentionMs = 7 * 86_400_000;

/** The columns of the `csv` sink, in order (the snapshot's fields). */
export const snapshotCsvColumns = [
  'experiment_id',
  'variant',
  'tick_at',
  'exposures',
  'successes',
  'alpha',
  'beta',
  'probability_beat_control',
  'expected_loss',
  'incremental_exposures',
  'incremental_successes',
] as const;

/**
 * The sinks a definition names, `postgres` when it names none (the monitor's and `abtest
 * stream`'s one default).
 * @param definition - the definition, or undefined
 * @returns the sinks
 * @example snapshotSinksOf(undefined) // ['postgres']
 */
export function snapshotSinksOf(
  definition: Pick<ExperimentDefinition, 'sinks'> | undefined,
): readonly SnapshotSink[] {
  return definition?.sinks ?? ['postgres'];
}

/**
 * A tick's rows as `csv` sink text: the header only on the first write of a file.
 * @param experimentId - the experiment
 * @param rows - the snapshot rows
 * @param header - whether the file is new
 * @returns the CSV text (CRLF lines)
 * @example snapshotCsvText('exp1', rows, true)
 */
export function snapshotCsvText(
  experimentId: string,
  rows: readonly PosteriorSnapshot[],
  header: boolean,
): string {
  const table = csvText(
    snapshotCsvColumns,
    rows.map((row) =>
      snapshotCsvColumns.map((column) => (column === 'experiment_id' ? experimentId : row[column])),
    ),
  );
  return header ? table : table.slice(table.indexOf('\n') + 1);
}

/**
 * The object key of an experiment's `csv` sink in the artifacts bucket.
 * @param experimentId - the experiment
 * @returns the key
 * @example snapshotCsvKey('exp1') // 'snapshots/exp1.csv'
 */
export function snapshotCsvKey(experimentId: string): string {
  return `snapshots/${experimentId}.csv`;
}

/**
 * Handles one tick.
 * @param deps - the ports
 * @param tickId - the tick message's id (stable across redeliveries)
 * @param now - the time now
 * @returns the experiments snapshotted now
 * @example await tickMonitor(deps, message.id)
 */
export async function tickMonitor(
  deps: StageDeps,
  tickId: string,
  now: Date = new Date(),
): Promise<string[]> {
  const { tickAt } = await claimTick(deps.db, tickId, now);
  const tickIso = tickAt.toISOString();
  const done: string[] = [];
  for (const experimentId of await liveExperiments(deps.db)) {
    const experiment = await findExperiment(deps.db, experimentId);
    if (experiment === undefined) continue;
    const definition = experiment.definition ?? undefined;
    const sinks = snapshotSinksOf(definition);
    const rows = await deps.db.transaction(async (tx) => {
      await lockLiveState(tx, experimentId);
      const state = await liveArms(tx, experimentId);
      const plan = planVariants(definition, [...state.arms.keys()]);
      const snapshotRows = snapshot(state, plan.control, tickIso, plan.variants);
      const fresh = await appendLiveEvent(tx, {
        type: 'snapshot',
        experimentId,
        key: `${experimentId}:${tickIso}`,
        data: { experiment_id: experimentId, tick_at: tickIso, snapshots: snapshotRows },
      });
      if (!fresh) return undefined;
      if (sinks.includes('postgres')) await insertSnapshots(tx, experimentId, snapshotRows);
      if (sinks.includes('pubsub'))
        await enqueueSnapshotMessages(tx, experimentId, tickIso, snapshotRows);
      await markLiveArmsTicked(tx, experimentId);
      return snapshotRows;
    });
    if (rows === undefined) continue;
    done.push(experimentId);
    if (sinks.includes('log')) {
      for (const row of rows)
        deps.logger.info('posterior snapshot', { experiment_id: experimentId, ...row });
    }
    if (sinks.includes('csv')) await appendCsv(deps, experimentId, rows);
  }
  await raiseNoDataAlerts(deps, tickId, tickAt);
  await pruneLiveEvents(deps.db, new Date(tickAt.getTime() - liveFeedRetentionMs));
  await deps.bus.flush();
  return done;
}

/**
 * The `pubsub` sink: a tick's rows as outbox messages, one per row on
 * `abtest.posterior.snapshot` and the experiment's counts on `abtest.progress` (each keyed by
 * experiment, tick and variant, so a repeated tick is one message).
 * @param tx - the transaction writing the tick
 * @param experimentId - the experiment
 * @param tickAt - the tick's time (ISO-8601)
 * @param rows - the snapshot rows
 * @returns when the messages are in the outbox (a flush sends them)
 * @example await enqueueSnapshotMessages(tx, 'exp1', tickAt, rows)
 */
export async function enqueueSnapshotMessages(
  tx: Parameters<typeof enqueueMessage>[0],
  experimentId: string,
  tickAt: string,
  rows: readonly PosteriorSnapshot[],
): Promise<void> {
  for (const row of rows) {
    await enqueueMessage(
      tx,
      topics.posteriorSnapshot,
      { version: 1, experiment_id: experimentId, ...row },
      `${experimentId}:${tickAt}:${row.variant}`,
    );
  }
  await enqueueMessage(
    tx,
    topics.progress,
    {
      version: 1,
      experiment_id: experimentId,
      tick_at: tickAt,
      variants: rows.map((row) => ({
        variant: row.variant,
        exposures: row.exposures,
        successes: row.successes,
        incremental_exposures: row.incremental_exposures,
        incremental_successes: row.incremental_successes,
      })),
    },
    `${experimentId}:${tickAt}`,
  );
}

/** Appends rows to the experiment's CSV in the artifacts bucket, the header on first write. */
async function appendCsv(
  deps: StageDeps,
  experimentId: string,
  rows: readonly PosteriorSnapshot[],
): Promise<void> {
  const key = snapshotCsvKey(experimentId);
  const bucket = deps.config.buckets.artifacts;
  const before = (await deps.blobs.exists(bucket, key))
    ? (await deps.blobs.read(bucket, key)).toString('utf8')
    : '';
  const text = before + snapshotCsvText(experimentId, rows, before === '');
  await deps.blobs.write(bucket, key, text, { contentType: 'text/csv' });
}

/** `no_data` for each running experiment whose last batch is older than ABTEST_NO_DATA_HOURS. */
async function raiseNoDataAlerts(deps: StageDeps, tickId: string, tickAt: Date): Promise<void> {
  const result = await deps.db.query<{ experiment_id: string; last_at: Date | null }>(
    `SELECT e.experiment_id,
       COALESCE((SELECT max(b.created_at) FROM batch_experiments b
                 WHERE b.experiment_id = e.experiment_id), e.started_at, e.created_at) AS last_at
     FROM experiments e WHERE e.status = 'running' ORDER BY e.experiment_id`,
  );
  for (const row of result.rows) {
    const signal = noDataSignal(
      row.last_at === null ? null : new Date(row.last_at),
      tickAt,
      deps.config.live.noDataHours,
    );
    if (signal === undefined) continue;
    await deps.db.transaction((tx) =>
      raiseAlert(tx, deps.config, row.experiment_id, signal, `tick:${tickId}`, tickAt),
    );
  }
}
