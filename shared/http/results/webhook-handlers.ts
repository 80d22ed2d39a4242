/**
 * The webhooks API: `POST /v1/webhooks` (201 with the secret, shown once), `GET /v1/webhooks`,
 * `DELETE /v1/webhooks/{webhook_id}` and `GET /v1/webhooks/{webhook_id}/deliveries`. Webhooks
 * configured with `ABTEST_WEBHOOK_URLS` are listed (`source: config`) but cannot be deleted here.
 */
import { ValidationError } from '../../errors/errors.ts';
import {
  deliveryHistory,
  type AttemptRecord,
  type DeliveryRecord,
} from '../../webhooks/delivery-records.ts';
import {
  activeWebhooks,
  createWebhook,
  deleteWebhook,
  findWebhook,
  webhookEvents,
  withoutSecret,
  type WebhookRecord,
} from '../../webhooks/webhook-records.ts';
import { redactUrl, webhookUrlProblem } from '../../net/webhook-target.ts';
import { sendJson } from '../http-json.ts';
import { webhookRequestSchema, type DeliveryView, type WebhookView } from './api-schemas.ts';
import { isoTime, isoTimeOrNull } from './iso-time.ts';
import { checkedBody, readJsonBody } from './json-body.ts';
import { pageLimit } from './paging.ts';
import { checkedId } from './path-ids.ts';
import type { RouteContext } from '../route.ts';

/**
 * `POST /v1/webhooks` `{ url, experiment_id?, events? }`.
 * @param context - the request
 * @example await registerWebhook(context)
 */
export async function registerWebhook(context: RouteContext): Promise<void> {
  const request = checkedBody(webhookRequestSchema, await readJsonBody(context.req));
  const problem = webhookUrlProblem(request.url, {
    allowPrivate: context.deps.config.webhookAllowPrivate,
  });
  if (problem !== undefined) throw new ValidationError(`url: ${problem}`, 400);
  const created = await createWebhook(context.deps.db, {
    url: request.url,
    experiment_id: request.experiment_id ?? null,
    events: [...new Set(request.events ?? webhookEvents)],
  });
  context.logger.info('webhook registered', { webhook_id: created.webhook_id });
  sendJson(
    context.res,
    201,
    { ...webhookView(withoutSecret(created)), secret: created.secret },
    { location: `/v1/webhooks/${created.webhook_id}` },
  );
}

/**
 * `GET /v1/webhooks`: the webhooks in force, configured ones first.
 * @param context - the request
 * @example await listWebhooks(context)
 */
export async function listWebhooks(context: RouteContext): Promise<void> {
  const webhooks = await activeWebhooks(context.deps.db, context.deps.config);
  sendJson(context.res, 200, { items: webhooks.map((w) => webhookView(withoutSecret(w))) });
}

/**
 * `DELETE /v1/webhooks/{webhook_id}`: 204; 404 when unknown or already deleted; 409 for a
 * configured webhook.
 * @param context - the request
 * @example await removeWebhook(context)
 */
export async function removeWebhook(context: RouteContext): Promise<void> {
  const webhookId = checkedId('webhook', context.params.webhook_id);
  const found = await findWebhook(context.deps.db, context.deps.config, webhookId);
  if (found?.webhook.source === 'config') {
    throw new ValidationError(
      `webhook ${webhookId} comes from ABTEST_WEBHOOK_URLS; remove it there`,
      409,
    );
  }
  if (!(await deleteWebhook(context.deps.db, webhookId))) {
    throw new ValidationError(`unknown webhook ${webhookId}`, 404);
  }
  context.logger.info('webhook deleted', { webhook_id: webhookId });
  context.res.writeHead(204, { 'cache-control': 'no-store' });
  context.res.end();
}

/**
 * `GET /v1/webhooks/{webhook_id}/deliveries?limit=`: the newest deliveries with every attempt
 * (also for a deleted webhook).
 * @param context - the request
 * @example await listDeliveries(context)
 */
export async function listDeliveries(context: RouteContext): Promise<void> {
  const webhookId = checkedId('webhook', context.params.webhook_id);
  const limit = pageLimit(context.query);
  if ((await findWebhook(context.deps.db, context.deps.config, webhookId)) === undefined) {
    throw new ValidationError(`unknown webhook ${webhookId}`, 404);
  }
  const history = await deliveryHistory(context.deps.db, webhookId, limit);
  sendJson(context.res, 200, {
    webhook_id: webhookId,
    items: history.map(({ delivery, attempts }) => deliveryView(delivery, attempts)),
  });
}

/** A webhook as shown to any token: its URL redacted (the path or query may be a secret). */
function webhookView(webhook: WebhookRecord): WebhookView {
  const shown = redactUrl(webhook.url);
  return {
    webhook_id: webhook.webhook_id,
    url: shown.url,
    url_hint: shown.hint,
    experiment_id: webhook.experiment_id,
    events: [...webhook.events],
    source: webhook.source,
    created_at: isoTimeOrNull(webhook.created_at),
  };
}

/** A delivery as the history shows it: delivered, or failed with a reason class. */
function deliveryView(delivery: DeliveryRecord, attempts: readonly AttemptRecord[]): DeliveryView {
  return {
    delivery_id: delivery.delivery_id,
    event: delivery.event,
    experiment_id: delivery.experiment_id,
    analysis_id: delivery.analysis_id,
    url: redactUrl(delivery.url).url,
    status: delivery.status,
    attempts: delivery.attempts,
    failure_reason: delivery.status === 'delivered' ? null : delivery.last_error,
    created_at: isoTime(delivery.created_at),
    completed_at: isoTimeOrNull(delivery.completed_at),
    attempt_log: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      outcome: attempt.error === null ? 'delivered' : 'failed',
      reason: attempt.error,
      attempted_at: isoTime(attempt.attempted_at),
    })),
  };
}
