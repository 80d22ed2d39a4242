/**
 * A throwaway local stack for tests: a temporary data folder, PGlite, local buckets and the
 * in-process bus, exactly what `abtest run` uses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { InProcessBus } from '../../shared/adapters/event-bus/in-process-bus.ts';
import { openAdapters } from '../../shared/adapters/open-adapters.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import { subscribeChain } from '../../shared/stages/chain-subscriptions.ts';
import type { StageDeps } from '../../shared/stages/stage-deps.ts';

/** A running local stack. */
export interface LocalStack {
  readonly deps: StageDeps & { readonly bus: InProcessBus };
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * Opens a local stack in a new temporary folder.
 * @param env - extra settings (ABTEST_MAX_UPLOAD_BYTES, ...)
 * @param options - `chain: true` subscribes the stages to the bus
 * @returns the stack
 */
export async function openLocalStack(
  env: Readonly<Record<string, string>> = {},
  options: { readonly chain?: boolean } = {},
): Promise<LocalStack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'abtest-test-'));
  const config = loadConfig({ ...env, ABTEST_DATA_DIR: dataDir });
  const adapters = await openAdapters(config, silentLogger);
  const deps = {
    db: adapters.db,
    blobs: adapters.blobs,
    bus: adapters.bus as InProcessBus,
    config,
    logger: silentLogger,
  };
  if (options.chain === true) await subscribeChain(deps);
  return {
    deps,
    dataDir,
    async close() {
      await adapters.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
