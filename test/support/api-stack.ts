/**
 * The whole API (`apiRoutes`: ingest, events and results on one port, as `abtest serve` serves
 * it) on a plain Node server over a local stack whose chain really runs, with a client whose
 * every answer is checked against the OpenAPI document.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiRoutes } from '../../shared/http/api-routes.ts';
import { createRouter } from '../../shared/http/router.ts';
import { apiClient, type ApiClient } from '../shared/http/openapi-contract.ts';
import { openLocalStack, type LocalStack } from './local-stack.ts';

/** The full token of API stacks. */
export const stackToken = 'stack-token-0123456789abcdef';

/** The read-only token of API stacks. */
export const stackReadToken = 'stack-read-0123456789abcdef';

/** A running API over a local stack. */
export interface ApiStack {
  readonly stack: LocalStack;
  readonly base: string;
  /** Sends the full token unless told otherwise. */
  readonly api: ApiClient;
  close(): Promise<void>;
}

/**
 * Opens a local stack (chain subscribed) and serves the whole API over it.
 * @param env - extra settings
 * @returns the running API
 */
export async function openApiStack(env: Readonly<Record<string, string>> = {}): Promise<ApiStack> {
  const stack = await openLocalStack(
    { ABTEST_API_TOKEN: stackToken, ABTEST_API_READ_TOKEN: stackReadToken, ...env },
    { chain: true },
  );
  const handle = createRouter(apiRoutes);
  const server: Server = createServer((req, res) => {
    void handle(stack.deps, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    stack,
    base,
    api: apiClient(base, stackToken),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await stack.deps.bus.idle();
      await stack.close();
    },
  };
}
