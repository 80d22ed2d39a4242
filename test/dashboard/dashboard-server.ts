/**
 * A dashboard test server: a plain Node HTTP server running the whole API (`apiRoutes`, ingest
 * and results on one port, as `abtest serve` does) over a local stack whose chain really runs,
 * beside it two more servers over the same stack: the results routes alone (as the results
 * function on GCP serves them, without the upload endpoint), and the whole API with no token
 * configured (every guarded route answers 503).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiRoutes } from '../../shared/http/api-routes.ts';
import { resultsRoutes } from '../../shared/http/results/results-routes.ts';
import type { Route } from '../../shared/http/route.ts';
import { createRouter } from '../../shared/http/router.ts';
import type { StageDeps } from '../../shared/stages/stage-deps.ts';
import { openLocalStack, type LocalStack } from '../support/local-stack.ts';

/** The full token of dashboard test servers. */
export const dashboardToken = 'dashboard-token-0123456789abcdef';

/** The read-only token of dashboard test servers. */
export const dashboardReadToken = 'dashboard-read-0123456789abcdef';

/** A running dashboard server. */
export interface DashboardServer {
  readonly stack: LocalStack;
  /** The whole API, e.g. `http://127.0.0.1:40123`. */
  readonly base: string;
  /** The results routes alone, over the same stack. */
  readonly resultsOnlyBase: string;
  /** The whole API over the same stack with no token configured. */
  readonly noTokenBase: string;
  /** A GET with the full token, parsed as JSON. */
  api<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

async function listen(routes: readonly Route[], deps: StageDeps): Promise<Server> {
  const handle = createRouter(routes);
  const server = createServer((req, res) => {
    void handle(deps, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const baseOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/**
 * Opens a local stack with the chain subscribed and serves the API over it.
 * @returns the server
 */
export async function openDashboardServer(): Promise<DashboardServer> {
  const stack = await openLocalStack(
    {
      ABTEST_API_TOKEN: dashboardToken,
      ABTEST_API_READ_TOKEN: dashboardReadToken,
      RESULTS_CACHE_TTL_SECONDS: '600',
    },
    { chain: true },
  );
  const whole = await listen(apiRoutes, stack.deps);
  const resultsOnly = await listen(resultsRoutes, stack.deps);
  const config = { ...stack.deps.config, apiToken: undefined, apiReadToken: undefined };
  const noToken = await listen(apiRoutes, { ...stack.deps, config });
  const base = baseOf(whole);
  return {
    stack,
    base,
    resultsOnlyBase: baseOf(resultsOnly),
    noTokenBase: baseOf(noToken),
    async api<T>(path: string) {
      const response = await fetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${dashboardToken}` },
      });
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async close() {
      for (const server of [whole, resultsOnly, noToken]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await stack.deps.bus.idle();
      await stack.close();
    },
  };
}
