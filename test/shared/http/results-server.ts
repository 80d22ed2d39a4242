/**
 * The results function on a running functions-framework test server over a local stack, with
 * a client whose every answer is checked against the OpenAPI document.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import '../../../functions/results/index.ts';
import { runFiles } from '../../../shared/local/run-files.ts';
import type { ExperimentResult } from '../../../shared/result/result-document.ts';
import { useStageDeps } from '../../../shared/runtime/function-runtime.ts';
import type { StageDeps } from '../../../shared/stages/stage-deps.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';
import { apiClient, type ApiClient } from './openapi-contract.ts';

/** The full (read and write) token of test servers. */
export const testToken = 'test-token-0123456789abcdef';

/** The read-only token of test servers. */
export const testReadToken = 'read-token-0123456789abcdef';

/** A running results server. */
export interface ResultsServer {
  readonly stack: LocalStack;
  readonly base: string;
  /** Sends the full token unless told otherwise. */
  readonly api: ApiClient;
  /** Makes the function use other ports (a wrapped blob store), or the stack's again. */
  use(deps?: StageDeps): void;
  close(): Promise<void>;
}

/**
 * Opens a local stack and serves the results function over it.
 * @param env - extra settings
 * @param options - `chain: true` subscribes the stages to the bus
 * @returns the server
 */
export async function openResultsServer(
  env: Readonly<Record<string, string>> = {},
  options: { readonly chain?: boolean } = {},
): Promise<ResultsServer> {
  const stack = await openLocalStack(
    {
      ABTEST_API_TOKEN: testToken,
      ABTEST_API_READ_TOKEN: testReadToken,
      RESULTS_CACHE_TTL_SECONDS: '600',
      ...env,
    },
    options,
  );
  useStageDeps(stack.deps);
  const server: Server = getTestServer('results');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    stack,
    base,
    api: apiClient(base, testToken),
    use: (deps = stack.deps) => useStageDeps(deps),
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await stack.close();
    },
  };
}

/**
 * Opens a results server whose chain has analysed datasets/events-sample.csv (experiment
 * `checkout-redesign`).
 * @returns the server and the sample's experiment result
 * @throws {Error} when the sample does not run cleanly to one experiment
 */
export async function openSampleResultsServer(): Promise<{
  readonly server: ResultsServer;
  readonly sample: ExperimentResult;
}> {
  const server = await openResultsServer({}, { chain: true });
  const { document, problems } = await runFiles(server.stack.deps, [
    { path: path.resolve('datasets/events-sample.csv') },
  ]);
  const sample = document.experiments[0];
  if (problems.length > 0 || sample === undefined) {
    await server.close();
    throw new Error(`the sample did not run cleanly: ${JSON.stringify(problems)}`);
  }
  return { server, sample };
}
