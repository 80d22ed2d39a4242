/**
 * The ingest function's routes: `POST /v1/ingest/events` (also `POST /`, the bare function
 * URL) and the events as they happen (`POST /v1/events`, `POST /v1/events/batch`) behind the
 * write token, `POST /v1/uploads` for a direct-upload URL (and `PUT /v1/uploads/{ticket}`, the
 * one-time URL itself), `GET /v1/batches/{batch_id}` to follow them, `GET /healthz`, `GET /readyz` and
 * `GET /metrics`.
 */
import type { Route } from './route.ts';
import { sendJson } from './http-json.ts';
import { health, readiness } from './results/service-handlers.ts';
import { ValidationError } from '../errors/errors.ts';
import { findBatch } from '../store/batch-records.ts';
import { batchResponse, handleIngestRequest } from './ingest-request.ts';
import { checkedId } from './results/path-ids.ts';
import { metrics } from './results/service-handlers.ts';
import { postEvent, postEventBatch } from './events/event-handlers.ts';
import { createUploadUrl, putDirectUpload } from './uploads/upload-handlers.ts';

const upload: Route['handle'] = ({ deps, req, res }) => handleIngestRequest(deps, req, res);

/** `GET /v1/batches/{batch_id}`: a batch's status and counts, to poll after an upload. */
const getBatch: Route['handle'] = async ({ deps, res, params }) => {
  const batchId = checkedId('batch', params.batch_id);
  const batch = await findBatch(deps.db, batchId);
  if (batch === undefined) throw new ValidationError(`unknown batch ${batchId}`, 404);
  const experiments = await deps.db.query<{ experiment_id: string }>(
    'SELECT experiment_id FROM batch_experiments WHERE batch_id = $1 ORDER BY experiment_id',
    [batchId],
  );
  sendJson(res, 200, {
    ...batchResponse(batch),
    error_message: batch.error_message,
    experiment_ids: experiments.rows.map((row) => row.experiment_id),
  });
};

/** The routes served by the ingest function (and by `abtest serve`). */
export const ingestRoutes: readonly Route[] = [
  { method: 'POST', path: '/v1/ingest/events', access: 'write', handle: upload },
  { method: 'POST', path: '/v1/events', access: 'write', handle: postEvent },
  { method: 'POST', path: '/v1/events/batch', access: 'write', handle: postEventBatch },
  { method: 'GET', path: '/v1/batches/{batch_id}', access: 'read', handle: getBatch },
  { method: 'POST', path: '/v1/uploads', access: 'write', handle: createUploadUrl },
  // The one-time URL is the credential: no token.
  { method: 'PUT', path: '/v1/uploads/{ticket}', access: 'public', handle: putDirectUpload },
];

/** The ingest function alone also answers on its bare URL and has its own health check. */
export const ingestFunctionRoutes: readonly Route[] = [
  ...ingestRoutes,
  { method: 'POST', path: '/', access: 'write', handle: upload },
  { method: 'GET', path: '/healthz', access: 'public', handle: health },
  { method: 'GET', path: '/readyz', access: 'public', handle: readiness },
  { method: 'GET', path: '/metrics', access: 'read', handle: metrics },
];
