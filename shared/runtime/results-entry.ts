/**
 * The results function's entry point over the lazily opened ports: the results API (see
 * shared/http/results/results-routes.ts), one cache per set of ports.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRouter } from '../http/router.ts';
import { resultsRoutes } from '../http/results/results-routes.ts';
import { stageDeps } from './function-runtime.ts';

const handleResultsRequest = createRouter(resultsRoutes);

/**
 * Serves the results API: experiments, summaries, analyses, reports, analytics, predictions,
 * jobs, webhooks, `/healthz`, `/openapi.json` and `/docs`.
 * @param req - the request
 * @param res - the response
 * @example functions.http('results', routeResultsRequest)
 */
export async function routeResultsRequest(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  await handleResultsRequest(await stageDeps(), req, res);
}
