/**
 * The Pub/Sub topics of the chain (DESIGN.md "The chain"). These exact names exist on GCP; the
 * in-process bus uses them too.
 */
export const topics = {
  batchReceived: 'abtest.batch.received',
  batchValidated: 'abtest.batch.validated',
  analysisCompleted: 'abtest.analysis.completed',
  modelTrained: 'abtest.model.trained',
  reportReady: 'abtest.report.ready',
  rerun: 'abtest.rerun',
  /** One webhook delivery to make (shared/webhooks/deliver-webhook.ts), off the chain's path. */
  webhookDelivery: 'abtest.webhook.delivery',
  /** A tick of the monitor (Cloud Scheduler on GCP; ABTEST_TICK_SECONDS locally). */
  monitorTick: 'abtest.monitor.tick',
  /** One posterior snapshot row (the `pubsub` sink), for consumers outside abtest. */
  posteriorSnapshot: 'abtest.posterior.snapshot',
  /** An experiment's counts at a tick, incremental and cumulative (the `pubsub` sink). */
  progress: 'abtest.progress',
} as const;

export type Topic = (typeof topics)[keyof typeof topics];

/** Every topic, in chain order, then the webhook deliveries. */
export const allTopics: readonly Topic[] = Object.values(topics);

/** Where messages go after five failed deliveries. */
export const deadLetterTopic = 'abtest.dead-letter';
