/**
 * The ingest function's two entry points over the lazily opened ports: the HTTP route and the
 * Cloud Storage event. A storage event that cannot be ingested is recorded and acknowledged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidationError } from '../errors/errors.ts';
import { ingestFunctionRoutes } from '../http/ingest-routes.ts';
import { createRouter } from '../http/router.ts';
import { ingestStorageObject, type StorageObject } from '../stages/ingest-object.ts';
import type { IncomingCloudEvent } from './pubsub-cloud-event.ts';
import { stageDeps } from './function-runtime.ts';

const handleIngestRoutes = createRouter(ingestFunctionRoutes);

/**
 * `POST /v1/ingest/events` (also `POST /`, the bare function URL), behind the write token.
 * @param req - the request
 * @param res - the response
 * @example functions.http('ingest', routeIngestRequest)
 */
export async function routeIngestRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  await handleIngestRoutes(await stageDeps(), req, res);
}

/**
 * The Cloud Storage finalize CloudEvent (`google.cloud.storage.object.v1.finalized`).
 * @param event - the CloudEvent, data a StorageObjectData
 * @example functions.cloudEvent('ingestUpload', ingestStorageEvent)
 */
export async function ingestStorageEvent(event: IncomingCloudEvent): Promise<void> {
  const deps = await stageDeps();
  const object = event.data as Partial<StorageObject> | undefined;
  if (typeof object?.bucket !== 'string' || typeof object.name !== 'string') {
    deps.logger.warn('storage event without bucket and name', { id: event.id });
    return;
  }
  try {
    const outcome = await ingestStorageObject(deps, object as StorageObject);
    deps.logger.info('storage object handled', { name: object.name, outcome });
  } catch (error) {
    if (!isValidationError(error)) throw error;
    deps.logger.warn('storage object rejected', { name: object.name, reason: error.message });
    await deps.db.query(
      `INSERT INTO rejected_messages (topic, message_id, payload, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      ['storage.object.finalized', event.id ?? object.name, JSON.stringify(object), error.message],
    );
  }
}
