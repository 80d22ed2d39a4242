/**
 * Where `abtest stream` writes a tick: the sinks a definition names (`postgres` when none), the
 * same rows and messages as the monitor's tick. `log`: one JSON line per row on stdout; `csv`:
 * `<out-dir>/<experiment>.snapshots.csv`, the header on first write; `postgres`: the
 * `posterior_snapshots` table of the configured database (PGlite under the data folder by
 * default, PostgreSQL with DATABASE_URL), the experiment registered as running when it is not
 * there yet, so `GET /v1/experiments/{id}/snapshots` reads them; `pubsub`: a message per row on
 * `abtest.posterior.snapshot` and one on `abtest.progress`, through the database's outbox.
 */
import { existsSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../adapters/database/database.ts';
import type { PubSubBus } from '../adapters/event-bus/pubsub-bus.ts';
import type { ExperimentDefinition } from '../analysis/experiment-definition.ts';
import type { PosteriorSnapshot } from '../live/posterior-reducer.ts';
import { topics } from '../messages/topics.ts';
import {
  enqueueSnapshotMessages,
  snapshotCsvText,
  snapshotSinksOf,
} from '../stages/monitor-tick.ts';
import { insertExperiment } from '../store/experiment-records.ts';
import { insertSnapshots } from '../store/live-records.ts';

/** What the sinks write to: the folder of `csv`, the database and the Pub/Sub bus when needed. */
export interface StreamPorts {
  readonly outDir: string;
  readonly db?: Database | undefined;
  readonly bus?: PubSubBus | undefined;
}

/**
 * What the definitions' sinks need opened.
 * @param definitions - the experiments streamed
 * @returns whether a database and Pub/Sub are needed
 * @example streamNeeds([{ id: 'e', sinks: ['log'] }]) // { database: false, pubsub: false }
 */
export function streamNeeds(definitions: readonly Pick<ExperimentDefinition, 'sinks'>[]): {
  database: boolean;
  pubsub: boolean;
} {
  const sinks = new Set(definitions.flatMap((definition) => snapshotSinksOf(definition)));
  return {
    database: sinks.has('postgres') || sinks.has('pubsub'),
    pubsub: sinks.has('pubsub'),
  };
}

/**
 * Creates the `pubsub` sink's topics when absent (the emulator; Terraform makes them on GCP).
 * @param bus - the Pub/Sub bus
 * @returns when both exist
 * @example await ensureSnapshotTopics(bus)
 */
export async function ensureSnapshotTopics(bus: PubSubBus): Promise<void> {
  await bus.ensureTopic(topics.posteriorSnapshot);
  await bus.ensureTopic(topics.progress);
}

/**
 * Writes one experiment's tick to its sinks.
 * @param ports - the csv folder, database and bus
 * @param definition - the experiment
 * @param tickAt - the tick's time (ISO-8601)
 * @param rows - the snapshot rows
 * @returns when every sink has the rows (Pub/Sub: when published, or kept in the outbox)
 * @throws {TransientError} when Pub/Sub cannot be reached (the messages wait in the outbox)
 * @example await writeStreamSnapshot(ports, definition, tickAt, rows)
 */
export async function writeStreamSnapshot(
  ports: StreamPorts,
  definition: ExperimentDefinition,
  tickAt: string,
  rows: readonly PosteriorSnapshot[],
): Promise<void> {
  if (rows.length === 0) return;
  const sinks = snapshotSinksOf(definition);
  const experimentId = definition.id;
  if (sinks.includes('log')) {
    for (const row of rows) {
      process.stdout.write(`${JSON.stringify({ experiment_id: experimentId, ...row })}\n`);
    }
  }
  if (sinks.includes('csv')) {
    const file = path.join(ports.outDir, `${experimentId}.snapshots.csv`);
    await appendFile(file, snapshotCsvText(experimentId, rows, !existsSync(file)));
  }
  const toPostgres = sinks.includes('postgres');
  const toPubSub = sinks.includes('pubsub');
  if (!toPostgres && !toPubSub) return;
  const { db } = ports;
  if (db === undefined) throw new Error('the postgres and pubsub sinks need the database');
  await db.transaction(async (tx) => {
    if (toPostgres) {
      await insertExperiment(tx, definition, 'running');
      await insertSnapshots(tx, experimentId, rows);
    }
    if (toPubSub) await enqueueSnapshotMessages(tx, experimentId, tickAt, rows);
  });
  if (toPubSub) await ports.bus?.flush();
}
