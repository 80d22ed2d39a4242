/**
 * The ingest function's routes: `POST /v1/ingest/events` (also `POST /`, the bare function
 * URL) behind the write token, and `GET /healthz`.
 */
import type { Route } from './route.ts';
import { sendJson } from './http-json.ts';
import { handleIngestRequest } from './ingest-request.ts';

const upload: Route['handle'] = ({ deps, req, res }) => handleIngestRequest(deps, req, res);

/** The routes served by the ingest function (and by `abtest serve`). */
export const ingestRoutes: readonly Route[] = [
  { method: 'POST', path: '/v1/ingest/events', access: 'write', handle: upload },
];

/** The ingest function alone also answers on its bare URL and has its own health check. */
export const ingestFunctionRoutes: readonly Route[] = [
  ...ingestRoutes,
  { method: 'POST', path: '/', access: 'write', handle: upload },
  {
    method: 'GET',
    path: '/healthz',
    access: 'public',
    handle: async ({ res }) => sendJson(res, 200, { status: 'ok' }),
  },
];
