/**
 * What every stage handler is given (CONVENTIONS "Cloud clients live in one folder"): the three
 * ports, the bucket names, the settings and a logger. Tests pass the local adapters.
 */
import type { BlobStore } from '../adapters/blob-store/blob-store.ts';
import type { Database } from '../adapters/database/database.ts';
import type { EventBus } from '../adapters/event-bus/event-bus.ts';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../logging/logger.ts';

export interface StageDeps {
  readonly db: Database;
  readonly blobs: BlobStore;
  readonly bus: EventBus;
  readonly config: Config;
  readonly logger: Logger;
}
