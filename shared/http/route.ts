/**
 * A route of the results API: method, path template (the OpenAPI path, `{name}` matching one
 * path segment or part of one), who may call it, and its handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.ts';
import type { StageDeps } from '../stages/stage-deps.ts';
import type { Access } from './bearer-auth.ts';
import type { ResultsCache } from './results/results-cache.ts';
import type { ServiceMetrics } from './service-metrics.ts';

/** Who is calling: the token's name (null on a public route) and whether it may write. */
export interface Caller {
  readonly tokenName: string | null;
  readonly canWrite: boolean;
}

/** What a handler is given. */
export interface RouteContext {
  readonly deps: StageDeps;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The path parameters, percent-decoded, not yet validated. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly cache: ResultsCache;
  /** The request's logger (it carries the request id). */
  readonly logger: Logger;
  readonly caller: Caller;
  /** The service's metrics (`GET /metrics`). */
  readonly metrics: ServiceMetrics;
}

/** One route. */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The OpenAPI path, e.g. `/v1/experiments/{experiment_id}/reports/{analysis_id}.pdf`. */
  readonly path: string;
  readonly access: Access;
  readonly handle: (context: RouteContext) => Promise<void>;
}

/**
 * Compiles a path template to a regular expression with one group per parameter.
 * @param template - e.g. `/v1/jobs/{job_id}`
 * @returns the pattern and the parameter names in order
 * @example compilePath('/v1/jobs/{job_id}').names // ['job_id']
 */
export function compilePath(template: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split(/(\{[a-z_]+\})/)
    .map((part) => {
      const name = /^\{([a-z_]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(name);
      return '([^/]+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), names };
}
