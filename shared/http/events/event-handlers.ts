/**
 * Events as they happen: `POST /v1/events` (one event) and `POST /v1/events/batch`
 * (`{"events": [...]}`, up to 10,000). Each request becomes one batch through ingest, with the
 * contract, validation and deduplication of an upload (see shared/stages/live-events.ts): 202
 * with the batch (`GET /v1/batches/{batch_id}` follows it) and the row errors found at once;
 * 200 for a repeat (the same events, or the same `Idempotency-Key`); 4xx with the file error
 * or the rows in error when the events are refused whole.
 */
import { z } from 'zod';
import { findRepeatedBatch } from '../../store/batch-records.ts';
import { ingestLiveEvents, maxEventsPerRequest } from '../../stages/live-events.ts';
import { sendError, sendJson } from '../http-json.ts';
import { batchResponse, idempotencyKeyOf } from '../ingest-request.ts';
import type { RouteContext } from '../route.ts';
import { parseBody } from '../results/experiment-api-schemas.ts';
import { readJsonBody } from '../results/json-body.ts';

/** The largest `POST /v1/events/batch` body. */
export const maxEventBatchBytes = 16 * 1024 * 1024;

const envelope = z
  .object({ events: z.array(z.unknown()).min(1).max(maxEventsPerRequest) })
  .strict();

/**
 * `POST /v1/events`: one event.
 * @param context - the request
 * @example await postEvent(context)
 */
export async function postEvent(context: RouteContext): Promise<void> {
  const key = idempotencyKeyOf(context.req);
  const event = await readJsonBody(context.req);
  await answerEvents(context, [event], 'POST /v1/events', key);
}

/**
 * `POST /v1/events/batch`: `{"events": [...]}`.
 * @param context - the request
 * @example await postEventBatch(context)
 */
export async function postEventBatch(context: RouteContext): Promise<void> {
  const key = idempotencyKeyOf(context.req);
  const body = parseBody(envelope, await readJsonBody(context.req, maxEventBatchBytes));
  await answerEvents(context, body.events, 'POST /v1/events/batch', key);
}

async function answerEvents(
  context: RouteContext,
  events: readonly unknown[],
  source: string,
  key: string | undefined,
): Promise<void> {
  const { deps, res } = context;
  if (key !== undefined) {
    // The same key is the same request: answered with its batch, whatever the clock says now.
    const earlier = (await findRepeatedBatch(deps.db, key, '')).byKey;
    if (earlier !== undefined) {
      sendJson(res, 200, batchResponse(earlier), { location: `/v1/batches/${earlier.batch_id}` });
      return;
    }
  }
  const outcome = await ingestLiveEvents(deps, events, source, key);
  const body = { ...batchResponse(outcome.batch), errors: outcome.requestErrors };
  if (outcome.fileError !== undefined) {
    sendError(res, outcome.fileError.httpStatus, outcome.fileError.message, body);
    return;
  }
  if (outcome.requestErrors.length > 0) {
    context.logger.info('events with row errors', { rows: outcome.requestErrors.length });
  }
  sendJson(res, outcome.created ? 202 : 200, body, {
    location: `/v1/batches/${outcome.batch.batch_id}`,
  });
}
