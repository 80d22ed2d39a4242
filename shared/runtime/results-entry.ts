/**
 * The results function's entry point over the lazily opened ports.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestPath, sendError, sendJson } from '../http/http-json.ts';
import { experimentSummary } from '../result/experiment-summary.ts';
import { experimentIdPattern } from '../events/events-contract.ts';
import { stageDeps } from './function-runtime.ts';

/**
 * Serves `GET /healthz` and `GET /v1/experiments/{id}/summary`.
 * @param req - the request
 * @param res - the response
 * @example functions.http('results', routeResultsRequest)
 */
export async function routeResultsRequest(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = requestPath(req);
  if (path === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  const summary = /^\/v1\/experiments\/([^/]+)\/summary$/.exec(path);
  if (req.method === 'GET' && summary !== null) {
    const experimentId = decodeURIComponent(summary[1] ?? '');
    if (!experimentIdPattern.test(experimentId)) {
      sendError(res, 400, `not a valid experiment id: ${JSON.stringify(experimentId)}`);
      return;
    }
    const deps = await stageDeps();
    const result = await experimentSummary(deps.db, deps.blobs, deps.config.buckets, experimentId);
    if (result === undefined) sendError(res, 404, `no analysis of experiment ${experimentId}`);
    else sendJson(res, 200, result);
    return;
  }
  sendError(res, 404, `no route ${req.method ?? 'GET'} ${path}`);
}
