/**
 * `abtest serve`: the whole stack in one process on the embedded defaults. One HTTP port for
 * every endpoint (uploads, results, jobs, webhooks, docs, dashboard), the chain wired by the
 * in-process bus (or by Pub/Sub push subscriptions on the emulator), the raw bucket's
 * `uploads/` folder watched like the GCS trigger, and optional scheduled reruns. SIGTERM stops
 * it with nothing half-written; a SIGKILL at any moment is survived because every message is a
 * row written with the state it announces and every blob is written to a temporary name then
 * renamed.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PubSubBus } from '../adapters/event-bus/pubsub-bus.ts';
import { openAdapters } from '../adapters/open-adapters.ts';
import type { Config } from '../config/load-config.ts';
import { apiRoutes } from '../http/api-routes.ts';
import { createRouter } from '../http/router.ts';
import type { Logger } from '../logging/logger.ts';
import { useStageDeps } from '../runtime/function-runtime.ts';
import { subscribeChain } from '../stages/chain-subscriptions.ts';
import type { StageDeps } from '../stages/stage-deps.ts';
import { localApiToken } from './api-token.ts';
import { startPushDelivery } from './pubsub-push.ts';
import { closeLiveStreams } from '../http/live/stream-handler.ts';
import { startRerunSchedule, startTickSchedule } from './rerun-schedule.ts';
import { watchUploads } from './uploads-watcher.ts';

/**
 * Keeps the chain's background work from standing in front of answers. The chain's next
 * delivery waits until no request is under way and none has started for {@link idleMs}, so a
 * burst of uploads is answered first and validated after; a steady stream that never leaves
 * such a gap still lets one delivery through every {@link maxWaitMs}, so the chain is never
 * starved.
 */
function requestGate(idleMs = 50, maxWaitMs = 2000) {
  let active = 0;
  let lastActivity = 0;
  return {
    started(res: ServerResponse) {
      active += 1;
      lastActivity = performance.now();
      res.once('close', () => {
        active -= 1;
        lastActivity = performance.now();
      });
    },
    quiet(): Promise<void> {
      const deadline = performance.now() + maxWaitMs;
      return new Promise((resolve) => {
        const check = () => {
          const now = performance.now();
          const idleFor = active === 0 ? now - lastActivity : 0;
          if (idleFor >= idleMs || now >= deadline) {
            resolve();
            return;
          }
          setTimeout(check, Math.min(idleMs - idleFor, deadline - now));
        };
        check();
      });
    },
  };
}

/** Settings of a local server beyond the configuration. */
export interface LocalServerOptions {
  readonly host?: string;
  /** Publish a rerun of every running experiment this often (ms); none when undefined. */
  readonly rerunEveryMs?: number;
}

/** A running local stack. */
export interface LocalServer {
  readonly url: string;
  readonly token: string;
  /**
   * Where the token came from: the environment, or the data folder's file (`generated` when
   * this start created it, the one time it may be shown).
   */
  readonly tokenSource:
    | { readonly kind: 'environment' }
    | { readonly kind: 'file'; readonly file: string; readonly generated: boolean };
  readonly uploadsFolder: string;
  readonly deps: StageDeps;
  /** Stops accepting work, lets what runs finish, then closes everything. */
  close(): Promise<void>;
}

/**
 * Starts the local stack.
 * @param config - the configuration (port, data folder, bus)
 * @param logger - where logs go
 * @param options - host and rerun schedule
 * @returns the running server
 * @example const server = await startLocalServer(loadConfig(), logger)
 */
export async function startLocalServer(
  config: Config,
  logger: Logger,
  options: LocalServerOptions = {},
): Promise<LocalServer> {
  const local = config.apiToken === undefined ? await localApiToken(config.dataDir) : undefined;
  const token = config.apiToken ?? local?.token ?? '';
  const settings: Config = { ...config, apiToken: token };
  const requests = requestGate();
  const adapters = await openAdapters(settings, logger, { beforeDelivery: requests.quiet });
  const deps: StageDeps = {
    db: adapters.db,
    blobs: adapters.blobs,
    bus: adapters.bus,
    config: settings,
    logger,
  };
  useStageDeps(deps);
  const push =
    settings.bus === 'pubsub'
      ? await startPushDelivery(deps, adapters.bus as PubSubBus, settings.projectId)
      : undefined;
  if (push === undefined) await subscribeChain(deps);
  const watcher = await watchUploads(deps);
  const stopSchedule =
    options.rerunEveryMs === undefined
      ? () => undefined
      : startRerunSchedule(deps, options.rerunEveryMs);

  const stopTicks = startTickSchedule(deps, settings.live.tickSeconds * 1000);

  const route = createRouter(apiRoutes);
  const limits = settings.http;
  const server: Server = createServer(
    {
      // Node enforces the header and request timeouts on a timer of this period (30 s by
      // default, which would let a slow client hold a socket that much longer).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
    },
    (req, res) => {
      // A live stream stays open for hours: it must not hold the chain back as a request would.
      if (!(req.url ?? '').startsWith('/v1/stream')) requests.started(res);
      route(deps, req, res).catch((error: unknown) => {
        logger.error('request failed', { error });
        if (!res.headersSent) res.writeHead(500).end();
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  // A socket silent this long (a client that stopped reading an answer) is closed.
  server.timeout = limits.requestTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${address.address}:${address.port}`,
    token,
    tokenSource:
      local === undefined
        ? { kind: 'environment' }
        : { kind: 'file', file: local.file, generated: local.generated },
    uploadsFolder: `${settings.dataDir}/buckets/${settings.buckets.raw}/uploads`,
    deps,
    close() {
      closing ??= (async () => {
        stopSchedule();
        stopTicks();
        // Requests under way finish; live streams end (clients resume elsewhere with
        // Last-Event-ID); idle keep-alive connections are closed.
        const stopped = new Promise((resolve) => server.close(resolve));
        closeLiveStreams(deps);
        server.closeIdleConnections();
        await stopped;
        await watcher.close();
        await push?.close();
        await adapters.close();
      })();
      return closing;
    },
  };
}
