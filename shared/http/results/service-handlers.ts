/**
 * The service's own endpoints: `GET /healthz`, `GET /openapi.json` and `GET /docs` (no token),
 * and `GET /metrics` (a token that may read).
 */
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
