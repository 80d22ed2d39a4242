/**
 * The dispatcher of the results API: finds the route of a request (404 when no path matches,
 * 405 with `Allow` when the path exists under other methods), checks the caller's token, runs
 * the handler, and turns what it throws into a JSON error: a ValidationError's own status, a
 * TransientError's (503, or 507 for full storage) with `Retry-After`, a 500 (logged, not
 * described) for anything else.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isTransientError, isValidationError } from '../errors/errors.ts';
import type { StageDeps } from '../stages/stage-deps.ts';
import { sendError, sendJson } from './http-json.ts';
import { authorize } from './bearer-auth.ts';
import { resultsCache, type ResultsCache } from './results/results-cache.ts';
import { compilePath, type Route } from './route.ts';

/** Handles one request over the given ports. */
export type ResultsHandler = (
  deps: StageDeps,
  req: IncomingMessage,
  res: ServerResponse,
) => Promise<void>;

/**
 * Builds the dispatcher of a route table. Each set of ports gets its own cache.
 * @param routes - the routes
 * @returns the request handler
 * @example const handle = createRouter(resultsRoutes); await handle(deps, req, res)
 */
export function createRouter(routes: readonly Route[]): ResultsHandler {
  const compiled = routes.map((route) => ({ route, ...compilePath(route.path) }));
  const caches = new WeakMap<StageDeps, ResultsCache>();
  const cacheOf = (deps: StageDeps) => {
    let cache = caches.get(deps);
    if (cache === undefined) {
      cache = resultsCache(deps.config.resultsCacheTtlSeconds);
      caches.set(deps, cache);
    }
    return cache;
  };

  return async (deps, req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    const onPath = compiled.filter((entry) => entry.pattern.test(path));
    if (onPath.length === 0) {
      sendError(res, 404, `no route ${path}`);
      return;
    }
    const method = req.method ?? 'GET';
    const match = onPath.find((entry) => entry.route.method === method);
    if (match === undefined) {
      const allow = [...new Set(onPath.map((entry) => entry.route.method))].join(', ');
      req.resume();
      sendJson(res, 405, { error: `use ${allow} on ${path}` }, { allow });
      return;
    }
    const verdict = authorize(deps.config, header(req, 'authorization'), match.route.access);
    if (!verdict.allowed) {
      req.resume();
      sendJson(res, verdict.status, { error: verdict.message }, verdict.headers);
      return;
    }
    const logger = deps.logger.child({ request_id: requestId(req) });
    try {
      const values = match.pattern.exec(path)?.slice(1) ?? [];
      const params = Object.fromEntries(
        match.names.map((name, index) => [name, decodeSegment(values[index] ?? '')]),
      );
      await match.route.handle({
        deps,
        req,
        res,
        params,
        query: url.searchParams,
        cache: cacheOf(deps),
        logger,
      });
    } catch (error) {
      if (res.headersSent) {
        logger.error('results request failed mid-answer', { path, error });
        res.destroy();
        return;
      }
      if (isValidationError(error)) {
        sendError(res, error.httpStatus, error.message);
        return;
      }
      if (isTransientError(error)) {
        logger.warn('request could not be served now', { method, path, error });
        sendJson(res, error.httpStatus, { error: error.message }, { 'retry-after': '5' });
        return;
      }
      logger.error('results request failed', { method, path, error });
      sendError(res, 500, 'internal error');
    }
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '\u0000';
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The request's trace id (Cloud Run's `X-Cloud-Trace-Context`), or a new random id. */
function requestId(req: IncomingMessage): string {
  return header(req, 'x-cloud-trace-context')?.split('/')[0] ?? randomUUID();
}
