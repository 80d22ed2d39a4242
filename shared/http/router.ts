/**
 * The dispatcher of the results API: finds the route of a request (404 when no path matches,
 * 405 with `Allow` when the path exists under other methods), checks the caller's token and
 * its rate limit (429 with `Retry-After`), runs the handler, and turns what it throws into a
 * JSON error: a ValidationError's own status and details, a TransientError's (503, or 507 for
 * full storage) with `Retry-After`, a 500 (logged, not described) for anything else. Every
 * answer is counted in the service's metrics under its route template.
 */
import { inSpan } from '../tracing/trace-context.ts';
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isTransientError, isValidationError } from '../errors/errors.ts';
import { chainSubscriptions } from '../stages/chain-subscriptions.ts';
import type { StageDeps } from '../stages/stage-deps.ts';
import { sendError, sendJson } from './http-json.ts';
import { authorize } from './bearer-auth.ts';
import { tokenBucketLimiter, type RateLimiter } from './rate-limit.ts';
import { resultsCache, type ResultsCache } from './results/results-cache.ts';
import { compilePath, type Route } from './route.ts';
import { serviceMetrics, type ServiceMetrics } from './service-metrics.ts';

/** What a router keeps per set of ports: the read cache, the rate limiter and the metrics. */
interface ServiceState {
  readonly cache: ResultsCache;
  readonly limiter: RateLimiter;
  readonly metrics: ServiceMetrics;
}

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
  const states = new WeakMap<StageDeps, ServiceState>();
  const stateOf = (deps: StageDeps) => {
    let state = states.get(deps);
    if (state === undefined) {
      state = {
        cache: resultsCache(deps.config.resultsCacheTtlSeconds),
        limiter: tokenBucketLimiter(
          deps.config.rateLimitRequests,
          deps.config.rateLimitPeriodSeconds,
        ),
        metrics: serviceMetrics(
          deps.db,
          deps.bus.kind === 'inprocess'
            ? [...new Set(chainSubscriptions.map((subscription) => subscription.topic))]
            : undefined,
        ),
      };
      states.set(deps, state);
    }
    return state;
  };

  return async (deps, req, res) => {
    const started = performance.now();
    const state = stateOf(deps);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    const method = req.method ?? 'GET';
    let routeLabel = 'unmatched';
    res.once('close', () =>
      state.metrics.observeRequest(
        routeLabel,
        method,
        res.statusCode,
        (performance.now() - started) / 1000,
      ),
    );
    const onPath = compiled.filter((entry) => entry.pattern.test(path));
    if (onPath.length === 0) {
      sendError(res, 404, `no route ${path}`);
      return;
    }
    const match = onPath.find((entry) => entry.route.method === method);
    if (match === undefined) {
      const allow = [...new Set(onPath.map((entry) => entry.route.method))].join(', ');
      req.resume();
      sendJson(res, 405, { error: `use ${allow} on ${path}` }, { allow });
      return;
    }
    routeLabel = match.route.path;
    const authorization = header(req, 'authorization');
    const verdict = authorize(deps.config, authorization, match.route.access);
    if (!verdict.allowed) {
      req.resume();
      sendJson(res, verdict.status, { error: verdict.message }, verdict.headers);
      return;
    }
    if (match.route.access !== 'public' && verdict.tokenName !== null) {
      const caller = rateKey(verdict.tokenName, authorization);
      const rate = state.limiter.take(caller);
      if (!rate.allowed) {
        req.resume();
        sendJson(
          res,
          429,
          {
            error: `too many requests for token "${verdict.tokenName}": at most ${deps.config.rateLimitRequests} per ${deps.config.rateLimitPeriodSeconds} s; retry in ${rate.retryAfterSeconds} s`,
          },
          { 'retry-after': String(rate.retryAfterSeconds) },
        );
        return;
      }
    }
    const logger = deps.logger.child({ request_id: requestId(req) });
    try {
      const values = match.pattern.exec(path)?.slice(1) ?? [];
      const params = Object.fromEntries(
        match.names.map((name, index) => [name, decodeSegment(values[index] ?? '')]),
      );
      const route = match.route;
      await inSpan(
        `${method} ${route.path}`,
        { 'http.request.method': method, 'http.route': route.path },
        () =>
          route.handle({
            deps,
            req,
            res,
            params,
            query: url.searchParams,
            cache: state.cache,
            logger,
            caller: { tokenName: verdict.tokenName, canWrite: verdict.canWrite },
            metrics: state.metrics,
          }),
        { role: 'server' },
      );
    } catch (error) {
      if (res.headersSent) {
        logger.error('results request failed mid-answer', { path, error });
        res.destroy();
        return;
      }
      if (isValidationError(error)) {
        req.resume();
        sendError(res, error.httpStatus, error.message, error.details);
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

/**
 * Whose bucket a request takes from: the token's name; under Cloud Run IAM (where every
 * caller is `iam`) a digest of the caller's own ID token.
 */
function rateKey(tokenName: string, authorization: string | undefined): string {
  if (tokenName !== 'iam') return tokenName;
  return `iam:${createHash('sha256')
    .update(authorization ?? '')
    .digest('hex')
    .slice(0, 16)}`;
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
