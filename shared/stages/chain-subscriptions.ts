/**
 * The chain: which stage handles which topic (DESIGN.md "The chain"), and the webhook
 * deliveries beside it. The in-process bus and the Pub/Sub emulator are wired from this table;
 * on GCP each row is a push subscription to the function of the same name.
 */
import type { BusMessage, SubscriptionOptions } from '../adapters/event-bus/event-bus.ts';
import { topics, type Topic } from '../messages/topics.ts';
import { experimentsToRerun } from '../store/experiment-records.ts';
import { analyzeExperiment } from './analyze.ts';
import { handleMessage } from './message-handler.ts';
import { monitorBatch } from './monitor.ts';
import { tickMonitor } from './monitor-tick.ts';
import { reportAnalysis } from './report.ts';
import type { StageDeps } from './stage-deps.ts';
import { trainAnalysis } from './train.ts';
import { validateBatch } from './validate.ts';
import { deliverWebhook, webhookDeliveryPolicy } from '../webhooks/deliver-webhook.ts';

/** One subscription of the chain. */
export interface ChainSubscription {
  /** Subscription name; also the name of the function that handles it on GCP. */
  readonly name: string;
  readonly functionName: 'validate' | 'analyze' | 'train' | 'report' | 'webhooks' | 'monitor';
  readonly topic: Topic;
  readonly handle: (deps: StageDeps, message: BusMessage) => Promise<void>;
  /** How its messages are delivered, when not in the chain's turn. */
  readonly delivery?: SubscriptionOptions;
}

/** Every subscription of the chain. */
export const chainSubscriptions: readonly ChainSubscription[] = [
  {
    name: 'validate',
    functionName: 'validate',
    topic: topics.batchReceived,
    handle: (deps, message) =>
      handleMessage(deps, topics.batchReceived, message, (payload) =>
        validateBatch(deps, payload.batch_id),
      ),
  },
  {
    name: 'analyze',
    functionName: 'analyze',
    topic: topics.batchValidated,
    handle: (deps, message) =>
      handleMessage(deps, topics.batchValidated, message, async (payload) => {
        for (const experimentId of [...payload.experiment_ids].sort()) {
          if (await supersededBatch(deps, experimentId, payload.batch_id)) {
            deps.logger.info('batch superseded, analysis left to the later batch', {
              experiment_id: experimentId,
              batch_id: payload.batch_id,
            });
            continue;
          }
          await analyzeExperiment(deps, experimentId, {
            kind: 'batch',
            triggerId: `${message.id}/${experimentId}`,
          });
        }
      }),
  },
  {
    name: 'analyze-rerun',
    functionName: 'analyze',
    topic: topics.rerun,
    handle: (deps, message) =>
      handleMessage(deps, topics.rerun, message, async (payload) => {
        for (const experimentId of await experimentsToRerun(deps.db, payload.experiment_id)) {
          await analyzeExperiment(
            deps,
            experimentId,
            {
              kind: payload.job_id === undefined ? 'rerun' : 'http',
              triggerId: `${message.id}/${experimentId}`,
              jobId: payload.job_id,
            },
            { metrics: payload.metrics, alpha: payload.alpha },
          );
        }
      }),
  },
  {
    name: 'train',
    functionName: 'train',
    topic: topics.analysisCompleted,
    handle: (deps, message) =>
      handleMessage(deps, topics.analysisCompleted, message, (payload) =>
        trainAnalysis(deps, payload),
      ),
  },
  {
    name: 'report',
    functionName: 'report',
    topic: topics.modelTrained,
    handle: (deps, message) =>
      handleMessage(deps, topics.modelTrained, message, (payload) => reportAnalysis(deps, payload)),
  },
  {
    // The live layer: each validated batch folded into the streaming posterior and windows.
    name: 'monitor',
    functionName: 'monitor',
    topic: topics.batchValidated,
    handle: (deps, message) =>
      handleMessage(deps, topics.batchValidated, message, (payload) =>
        monitorBatch(deps, payload.batch_id, payload.experiment_ids),
      ),
  },
  {
    name: 'monitor-tick',
    functionName: 'monitor',
    topic: topics.monitorTick,
    handle: (deps, message) =>
      handleMessage(deps, topics.monitorTick, message, async () => {
        await tickMonitor(deps, message.id);
      }),
  },
  {
    // One attempt per message, several at once and apart from the chain: a receiver that does
    // not answer delays only its own delivery.
    name: 'webhooks',
    functionName: 'webhooks',
    topic: topics.webhookDelivery,
    delivery: {
      concurrency: webhookDeliveryPolicy.concurrency,
      backoffScale: webhookDeliveryPolicy.backoffScale,
    },
    handle: (deps, message) =>
      handleMessage(deps, topics.webhookDelivery, message, async (payload) => {
        await deliverWebhook(deps, payload.delivery_id, message.attempt);
      }),
  },
];

/**
 * Whether a later batch of the experiment has been validated since this one: its own
 * `abtest.batch.validated` message analyses everything, this batch included, so analysing now
 * would only be superseded (a burst of uploads is analysed once, not once per batch).
 * @param deps - the ports
 * @param experimentId - the experiment
 * @param batchId - the batch the message announces
 * @returns true when the message is stale
 * @example await supersededBatch(deps, 'exp1', 'b_0123456789abcdef01234567')
 */
export async function supersededBatch(
  deps: StageDeps,
  experimentId: string,
  batchId: string,
): Promise<boolean> {
  const later = await deps.db.query(
    `SELECT 1 FROM batch_experiments later, batch_experiments own
     WHERE own.experiment_id = $1 AND own.batch_id = $2 AND later.experiment_id = $1
       AND later.created_at > own.created_at
     LIMIT 1`,
    [experimentId, batchId],
  );
  return later.rows.length > 0;
}

/**
 * Subscribes the stages of the chain to the bus.
 * @param deps - the ports; `deps.bus` receives the subscriptions
 * @param without - functions left out (`abtest run`, a one-shot batch job, leaves out the live
 *   layer's `monitor`)
 * @example await subscribeChain(deps)
 */
export async function subscribeChain(
  deps: StageDeps,
  without: readonly ChainSubscription['functionName'][] = [],
): Promise<void> {
  for (const subscription of chainSubscriptions) {
    if (without.includes(subscription.functionName)) continue;
    await deps.bus.subscribe(
      subscription.topic,
      subscription.name,
      (message) => subscription.handle(deps, message),
      subscription.delivery,
    );
  }
}
