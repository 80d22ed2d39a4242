/**
 * Announces an event to its webhooks without waiting for any of them: in the transaction of the
 * state the event is about, one `pending` delivery per webhook that wants it (registered for
 * the experiment or for all, or configured with `ABTEST_WEBHOOK_URLS`), with the exact body
 * every attempt sends, and one `abtest.webhook.delivery` message each. The deliveries are then
 * made by their own subscription (deliver-webhook.ts), beside the chain, never in its way.
 *
 * A new event type is one more name in `webhookEvents` and a call of this function in the
 * transaction that makes the event true.
 */
import type { Queryable } from '../adapters/database/database.ts';
import { enqueueMessage } from '../adapters/event-bus/outbox.ts';
import type { Config } from '../config/load-config.ts';
import { topics } from '../messages/topics.ts';
import { deliveryIdFor, insertDeliveries, type NewDelivery } from './delivery-records.ts';
import { webhooksFor, type WebhookEvent } from './webhook-records.ts';

/** What an event is about: the experiment, and the analysis that makes it one event. */
export interface WebhookSubject {
  readonly experiment_id: string;
  readonly analysis_id: string;
}

/** The JSON body every delivery carries. */
export interface WebhookBody {
  /** The delivery id, also in `X-Abtest-Delivery`: the same on every retry; dedupe on it. */
  readonly delivery_id: string;
  readonly event: WebhookEvent;
  readonly experiment_id: string;
  readonly analysis_id: string;
  readonly created_at: string;
  /** What the stage sent with the event. */
  readonly data: unknown;
}

/**
 * Creates the deliveries of an event and their messages.
 * @param tx - the transaction writing the state the event announces
 * @param config - the settings (`ABTEST_WEBHOOK_URLS`, its secret)
 * @param event - the event, e.g. `report.ready`
 * @param subject - the experiment and analysis it is about
 * @param data - the event's data, any JSON value (sent as `data`)
 * @param now - the event's time (the body's `created_at`)
 * @returns the ids of the deliveries created now (none for an event already announced)
 * @example await enqueueWebhookEvent(tx, config, 'report.ready', { experiment_id, analysis_id }, { pdf, csv })
 */
export async function enqueueWebhookEvent(
  tx: Queryable,
  config: Config,
  event: WebhookEvent,
  subject: WebhookSubject,
  data: unknown,
  now: Date = new Date(),
): Promise<string[]> {
  const targets = await webhooksFor(tx, config, event, subject.experiment_id);
  const deliveries: NewDelivery[] = targets.map((target) => {
    const deliveryId = deliveryIdFor(target.webhook_id, event, subject.analysis_id);
    const body: WebhookBody = {
      delivery_id: deliveryId,
      event,
      experiment_id: subject.experiment_id,
      analysis_id: subject.analysis_id,
      created_at: now.toISOString(),
      data: data ?? null,
    };
    return {
      delivery_id: deliveryId,
      webhook_id: target.webhook_id,
      event,
      experiment_id: subject.experiment_id,
      analysis_id: subject.analysis_id,
      url: target.url,
      body: JSON.stringify(body),
    };
  });
  const created = await insertDeliveries(tx, deliveries);
  for (const deliveryId of created) {
    await enqueueMessage(
      tx,
      topics.webhookDelivery,
      { version: 1, delivery_id: deliveryId },
      deliveryId,
    );
  }
  return created;
}
