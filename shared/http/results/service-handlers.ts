/**
 * The service's own endpoints: `GET /healthz` (liveness), `GET /readyz` (readiness),
 * `GET /openapi.json` and `GET /docs` (no token), and `GET /metrics` (a token that may read).
 */
import { missingMigrations } from '../../adapters/database/migrate.ts';
import { sendJson } from '../http-json.ts';
import { renderDocsPage } from './docs-page.ts';
import { openApiDocument } from './openapi.ts';
import type { RouteContext } from '../route.ts';

let docsPage: string | undefined;

/**
 * `GET /healthz`: 200 `{ "status": "ok" }`.
 * @param context - the request
 * @example await health(context)
 */
export async function health(context: RouteContext): Promise<void> {
  sendJson(context.res, 200, { status: 'ok' });
}

/** How long readiness waits for the database. */
const readinessTimeoutMs = 3000;

/**
 * `GET /readyz`: 200 `{ "status": "ready" }` when the database answers and every migration is
 * applied; 503 `{ "status": "unavailable", "reason" }` with `Retry-After` otherwise. The reason
 * names no host or address (the route is open); the log has the details.
 * @param context - the request
 * @example await readiness(context)
 */
export async function readiness(context: RouteContext): Promise<void> {
  const unavailable = (reason: string) =>
    sendJson(context.res, 503, { status: 'unavailable', reason }, { 'retry-after': '5' });
  let missing: string[];
  try {
    missing = await withTimeout(missingMigrations(context.deps.db), readinessTimeoutMs);
  } catch (error) {
    context.logger.warn('not ready: the database does not answer', { error });
    unavailable(`the database does not answer: ${errorClass(error)}`);
    return;
  }
  if (missing.length > 0) {
    unavailable(`migrations not applied: ${missing.join(', ')}`);
    return;
  }
  sendJson(context.res, 200, { status: 'ready' });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A short class of a failure (an errno or SQLSTATE code, or the error's name), no details. */
function errorClass(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,32}$/.test(code)) return code;
  if (error instanceof Error && /^no answer within/.test(error.message)) return error.message;
  return error instanceof Error ? error.name : 'unknown error';
}

/**
 * `GET /openapi.json`: the OpenAPI 3.1 document.
 * @param context - the request
 * @example await openApiJson(context)
 */
export async function openApiJson(context: RouteContext): Promise<void> {
  sendJson(context.res, 200, openApiDocument(), { 'cache-control': 'public, max-age=300' });
}

/**
 * `GET /docs`: the document as an HTML page; its Content-Security-Policy allows nothing
 * external (and no script at all).
 * @param context - the request
 * @example await docs(context)
 */
export async function docs(context: RouteContext): Promise<void> {
  docsPage ??= renderDocsPage(openApiDocument());
  context.res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(docsPage),
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'public, max-age=300',
  });
  context.res.end(docsPage);
}

/**
 * `GET /metrics`: the service's metrics in the Prometheus text format.
 * @param context - the request
 * @example await metrics(context)
 */
export async function metrics(context: RouteContext): Promise<void> {
  const text = await context.metrics.exposition();
  context.res.writeHead(200, {
    'content-type': context.metrics.contentType,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  context.res.end(text);
}
