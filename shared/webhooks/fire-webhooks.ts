/**
 * Fires an event's webhooks, for the analyze and report stages: every webhook registered for
 * the experiment (or for all experiments) and every configured URL gets one signed JSON POST.
 * Each (webhook, event, analysis) is delivered once, however often this is called (a
 * redelivered message). Nothing is thrown into the stage: failures are recorded and logged.
 */
import type { Database } from '../adapters/database/database.ts';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../logging/logger.ts';
import { claimDelivery, deliveryIdFor } from './delivery-records.ts';
import { defaultDeliveryPolicy, deliverClaimed, type DeliveryPolicy } from './deliver-webhook.ts';
import { webhooksFor, type WebhookEvent, type WebhookTarget } from './webhook-records.ts';

/**
 * What firing needs: the database, the settings and a logger. A stage passes its `StageDeps`,
 * which has them (a record takes its ports from the floors below it, never from a stage).
 */
export interface WebhookPorts {
  readonly db: Database;
  readonly config: Config;
  readonly logger: Logger;
}

/** What an event's firing did. */
export interface WebhookFiring {
  /** Deliveries that reached their receiver now. */
  readonly delivered: number;
  /** Deliveries that failed every attempt now (or could not be recorded). */
  readonly failed: number;
  /** Deliveries made before (or being made by another worker), not sent again. */
  readonly skipped: number;
}

/** The JSON body every delivery carries. */
export interface WebhookBody {
  /** The delivery id, also in `X-Abtest-Delivery`: the same for a retry; dedupe on it. */
  readonly delivery_id: string;
  readonly event: WebhookEvent;
  readonly experiment_id: string;
  readonly analysis_id: string;
  readonly created_at: string;
  /** What the stage sent with the event. */
  readonly data: unknown;
}

/**
 * Delivers an event to its webhooks and waits for the outcome (retries included).
 * @param deps - the ports (database, settings, logger)
 * @param event - `analysis.completed` or `report.ready`
 * @param subject - the experiment and the analysis the event is about
 * @param payload - the event's data, any JSON value (sent as `data`)
 * @param policy - attempts, timeout and backoff; by default 3 attempts, `ABTEST_WEBHOOK_TIMEOUT_SECONDS` each, 1 s then 2 s apart
 * @returns how many deliveries succeeded, failed or were already made; never throws
 * @example await fireWebhooks(deps, 'report.ready', { experiment_id, analysis_id }, { pdf, csv })
 */
export async function fireWebhooks(
  deps: WebhookPorts,
  event: WebhookEvent,
  subject: { readonly experiment_id: string; readonly analysis_id: string },
  payload: unknown,
  policy: Partial<DeliveryPolicy> = {},
): Promise<WebhookFiring> {
  const rules = {
    ...defaultDeliveryPolicy(deps.config.webhookTimeoutSeconds * 1000),
    ...policy,
  };
  let targets: WebhookTarget[];
  try {
    targets = await webhooksFor(deps.db, deps.config, event, subject.experiment_id);
  } catch (error) {
    deps.logger.error('webhooks not fired: could not read them', { event, ...subject, error });
    return { delivered: 0, failed: 0, skipped: 0 };
  }
  const outcomes = await Promise.all(
    targets.map((target) => fireOne(deps, target, event, subject, payload, rules)),
  );
  return {
    delivered: outcomes.filter((outcome) => outcome === 'delivered').length,
    failed: outcomes.filter((outcome) => outcome === 'failed').length,
    skipped: outcomes.filter((outcome) => outcome === 'skipped').length,
  };
}

async function fireOne(
  deps: Pick<WebhookPorts, 'db' | 'logger'>,
  target: WebhookTarget,
  event: WebhookEvent,
  subject: { readonly experiment_id: string; readonly analysis_id: string },
  payload: unknown,
  policy: DeliveryPolicy,
): Promise<'delivered' | 'failed' | 'skipped'> {
  const deliveryId = deliveryIdFor(target.webhook_id, event, subject.analysis_id);
  const log = { event, delivery_id: deliveryId, webhook_id: target.webhook_id, ...subject };
  try {
    const body: WebhookBody = {
      delivery_id: deliveryId,
      event,
      experiment_id: subject.experiment_id,
      analysis_id: subject.analysis_id,
      created_at: new Date(policy.nowSeconds() * 1000).toISOString(),
      data: payload ?? null,
    };
    const claimed = await claimDelivery(deps.db, {
      delivery_id: deliveryId,
      webhook_id: target.webhook_id,
      event,
      experiment_id: subject.experiment_id,
      analysis_id: subject.analysis_id,
      url: target.url,
      body: JSON.stringify(body),
    });
    if (claimed === undefined) return 'skipped';
    const outcome = await deliverClaimed(deps.db, target.secret, claimed, policy);
    if (outcome === 'failed') deps.logger.warn('webhook delivery failed', log);
    else deps.logger.info('webhook delivered', log);
    return outcome;
  } catch (error) {
    deps.logger.error('webhook delivery could not be recorded', { ...log, error });
    return 'failed';
  }
}
