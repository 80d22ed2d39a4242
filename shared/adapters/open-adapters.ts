/**
 * Builds the three ports from the configuration: PGlite or PostgreSQL, local folders or Cloud
 * Storage, the in-process bus or Pub/Sub. Migrations are applied before anything else runs.
 * The cloud adapters are imported when the configuration names them: their clients (Pub/Sub,
 * gax, gRPC, Cloud Storage, the Cloud SQL connector) take most of a second of CPU to load, which
 * `abtest run` and a function's import would otherwise pay without using them.
 */
import path from 'node:path';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../logging/logger.ts';
import type { BlobStore } from './blob-store/blob-store.ts';
import { localBlobStore } from './blob-store/local-blob-store.ts';
import type { Database } from './database/database.ts';
import { migrate } from './database/migrate.ts';
import { openPostgresDatabase } from './database/pg-database.ts';
import { openPgliteDatabase } from './database/pglite-database.ts';
import type { EventBus } from './event-bus/event-bus.ts';
import { inProcessBus, type InProcessBusOptions } from './event-bus/in-process-bus.ts';

/** The opened ports. */
export interface Adapters {
  readonly db: Database;
  readonly blobs: BlobStore;
  readonly bus: EventBus;
  /** Stops the bus, then closes the database. */
  close(): Promise<void>;
}

/**
 * Opens the database (migrated), the blob store and the bus the configuration names.
 * @param config - the validated configuration
 * @param logger - the logger the bus reports to
 * @param options - a hook the in-process bus awaits before each delivery
 * @returns the ports
 * @example const adapters = await openAdapters(loadConfig(), logger)
 */
export async function openAdapters(
  config: Config,
  logger: Logger,
  options: Pick<InProcessBusOptions, 'beforeDelivery'> = {},
): Promise<Adapters> {
  // Off by default; with ABTEST_TRACING set, spans go to Cloud Trace or an OTLP collector (the
  // SDK loads only then, like the cloud clients, to keep start-up short).
  const tracing =
    config.tracing.exporter === 'off'
      ? undefined
      : await (
          await import('./tracing/tracing-setup.ts')
        ).startTracing(config, { service: 'abtest' });
  const db = await openDatabase(config);
  const blobs = await openBlobStore(config);
  const bus: EventBus =
    config.bus === 'pubsub'
      ? (await import('./event-bus/pubsub-bus.ts')).pubSubBus(db, {
          projectId: config.projectId,
          logger,
        })
      : inProcessBus(db, { logger, redeliver: config.busRedeliver, ...options });
  return {
    db,
    blobs,
    bus,
    async close() {
      await bus.close();
      await db.close();
      await tracing?.shutdown();
    },
  };
}

/**
 * The configured blob store: Cloud Storage, or the local folders under the data folder.
 * @param config - the validated configuration
 * @returns the blob store
 * @example const blobs = await openBlobStore(config)
 */
export async function openBlobStore(config: Config): Promise<BlobStore> {
  return config.storage === 'gcs'
    ? (await import('./blob-store/gcs-blob-store.ts')).gcsBlobStore({
        projectId: config.projectId,
      })
    : localBlobStore(path.join(config.dataDir, 'buckets'));
}

/**
 * Opens the configured database and applies the migrations.
 * @param config - the validated configuration
 * @returns the database
 * @example const db = await openDatabase(config)
 */
export async function openDatabase(config: Config): Promise<Database> {
  switch (config.database.kind) {
    case 'pglite':
      return openPgliteDatabase(config.database.dir, undefined, { templateDir: config.cacheDir });
    case 'postgres': {
      const db = openPostgresDatabase(config.database.url);
      await migrate(db);
      return db;
    }
    case 'cloudsql': {
      const { openCloudSqlDatabase } = await import('./database/cloud-sql-database.ts');
      const db = await openCloudSqlDatabase(config.database);
      await migrate(db);
      return db;
    }
  }
}
