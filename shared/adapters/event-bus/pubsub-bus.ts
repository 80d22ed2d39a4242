/**
 * The EventBus on Google Cloud Pub/Sub (`@google-cloud/pubsub`; the client honours
 * `PUBSUB_EMULATOR_HOST`). `flush` relays the outbox to the topics; `subscribe` pulls with a
 * dead-letter policy of five attempts and exponential retry backoff, the same policy the
 * Terraform push subscriptions carry
 * (https://cloud.google.com/pubsub/docs/handling-failures).
 *
 * When Pub/Sub cannot be reached, nothing is lost: the messages stay in the outbox. A publish
 * gives up after {@link publishTimeoutMs}; for a while after a failure a flush does not wait
 * for Pub/Sub again (an upload is answered at once) and the relay is retried in the background
 * until it gets through. A topic or subscription this process created that has vanished (an
 * emulator restarted empty) is created again before the messages are published.
 */
import {
  PubSub,
  type ClientConfig,
  type Subscription,
  type Topic as PubSubTopic,
} from '@google-cloud/pubsub';
import type { Logger } from '../../logging/logger.ts';
import { deadLetterTopic, type Topic } from '../../messages/topics.ts';
import type { Database } from '../database/database.ts';
import { TransientError, ValidationError } from '../../errors/errors.ts';
import type { EventBus } from './event-bus.ts';
import { deliveryPolicy } from './event-bus.ts';
import { unsentMessages } from './outbox.ts';
import { traceCarrierOf } from '../../tracing/trace-context.ts';

const alreadyExists = 6;
const notFound = 5;

/** How long one publish may take before the relay gives up for now. */
export const publishTimeoutMs = 10_000;

/** After a failed relay, flushes do not wait for Pub/Sub for this long; the retry does. */
const cooldownMs = 5_000;

/** The first retry of a failed relay; each next one waits twice as long, up to 30 s. */
const firstRetryMs = 1_000;

/** The Pub/Sub bus, with the topology calls the local stack and tests need. */
export interface PubSubBus extends EventBus {
  /** Creates a topic when absent (idempotent) and returns it. */
  ensureTopic(name: string): Promise<PubSubTopic>;
  /** Creates a subscription when absent, with the dead-letter and retry policy (idempotent). */
  ensureSubscription(topic: Topic, name: string, pushEndpoint?: string): Promise<Subscription>;
  /**
   * Pulls a subscription that exists already (`name`, or `projects/P/subscriptions/S`; nothing
   * is created): each message goes to `handler` and is acknowledged once the handler resolves,
   * nacked (redelivered) when it throws. `close` stops it.
   * @throws {ValidationError} when the subscription does not exist
   */
  consume(subscription: string, handler: (message: PulledMessage) => Promise<void>): Promise<void>;
  /** The underlying client, for inspection in tests. */
  readonly client: PubSub;
}

/** A message pulled from a subscription by {@link PubSubBus.consume}: its raw bytes. */
export interface PulledMessage {
  /** Pub/Sub's message id, the same on a redelivery. */
  readonly id: string;
  readonly data: Buffer;
}

/** Settings of the Pub/Sub bus. */
export interface PubSubBusOptions {
  readonly projectId: string;
  readonly logger: Logger;
  readonly clientConfig?: ClientConfig;
}

/**
 * Creates the Pub/Sub bus over a migrated database (for the outbox).
 * @param db - the database holding the outbox
 * @param options - project, logger and client settings
 * @returns the bus
 * @example const bus = pubSubBus(db, { projectId: 'abtest-local', logger })
 */
export function pubSubBus(db: Database, options: PubSubBusOptions): PubSubBus {
  const client = new PubSub({ projectId: options.projectId, ...options.clientConfig });
  const listening: Subscription[] = [];
  /** What this process created, to create again when it vanished. */
  const ensured = {
    topics: new Set<string>(),
    subscriptions: new Map<string, { topic: Topic; pushEndpoint?: string | undefined }>(),
  };
  const publishers = new Map<string, PubSubTopic>();
  const publisher = (name: string) => {
    let topic = publishers.get(name);
    if (topic === undefined) {
      topic = client.topic(name, { gaxOpts: { timeout: publishTimeoutMs } });
      publishers.set(name, topic);
    }
    return topic;
  };
  let relaying: Promise<void> | undefined;
  let failedAt = 0;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const ensureTopic = async (name: string): Promise<PubSubTopic> => {
    ensured.topics.add(name);
    const topic = client.topic(name);
    try {
      await topic.create();
    } catch (error) {
      if ((error as { code?: number }).code !== alreadyExists) throw error;
    }
    return topic;
  };

  const ensureSubscription = async (topic: Topic, name: string, pushEndpoint?: string) => {
    ensured.subscriptions.set(name, { topic, pushEndpoint });
    await ensureTopic(topic);
    const deadLetters = await ensureTopic(deadLetterTopic);
    const subscription = client.subscription(name);
    try {
      await client.topic(topic).createSubscription(name, {
        ackDeadlineSeconds: 600,
        deadLetterPolicy: {
          deadLetterTopic: deadLetters.name,
          maxDeliveryAttempts: deliveryPolicy.maxAttempts,
        },
        retryPolicy: {
          minimumBackoff: { seconds: 10 },
          maximumBackoff: { seconds: 600 },
        },
        ...(pushEndpoint === undefined ? {} : { pushConfig: { pushEndpoint } }),
      });
    } catch (error) {
      if ((error as { code?: number }).code !== alreadyExists) throw error;
    }
    return subscription;
  };

  const bus: PubSubBus = {
    kind: 'pubsub',
    client,
    ensureTopic,
    ensureSubscription,
    flush() {
      if (relaying !== undefined) return relaying;
      if (failedAt > 0 && Date.now() - failedAt < cooldownMs) {
        // Pub/Sub failed a moment ago: do not make the caller wait for it again; the
        // scheduled retry relays the outbox.
        scheduleRetry();
        return Promise.resolve();
      }
      relaying = relayOutbox()
        .then(() => {
          failedAt = 0;
          failures = 0;
        })
        .catch((error: unknown) => {
          failedAt = Date.now();
          failures += 1;
          scheduleRetry();
          throw new TransientError('Pub/Sub is unavailable; the messages wait in the outbox', {
            cause: error,
          });
        })
        .finally(() => {
          relaying = undefined;
        });
      return relaying;
    },
    async subscribe(topic, name, handler) {
      const subscription = await ensureSubscription(topic, name);
      subscription.on('message', (message) => {
        const run = async () => {
          try {
            await handler({
              id: message.attributes.message_id ?? message.id,
              topic,
              data: decodeJson(message.data),
              attempt: message.deliveryAttempt > 0 ? message.deliveryAttempt : 1,
              traceContext: traceCarrierOf(message.attributes),
            });
            message.ack();
          } catch (error) {
            options.logger.warn('delivery failed, nacked', { subscription: name, error });
            message.nack();
          }
        };
        void run();
      });
      subscription.on('error', (error) =>
        options.logger.error('subscription error', { subscription: name, error }),
      );
      listening.push(subscription);
    },
    async consume(name, handler) {
      const subscription = client.subscription(name);
      const [exists] = await subscription.exists();
      if (!exists) throw new ValidationError(`Pub/Sub subscription ${name} does not exist`, 404);
      subscription.on('message', (message) => {
        handler({ id: message.id, data: message.data }).then(
          () => message.ack(),
          (error: unknown) => {
            options.logger.warn('message not applied, nacked', { subscription: name, error });
            message.nack();
          },
        );
      });
      subscription.on('error', (error) =>
        options.logger.error('subscription error', { subscription: name, error }),
      );
      listening.push(subscription);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await relaying?.catch(() => undefined);
      await Promise.all(listening.map((subscription) => subscription.close()));
      await client.close();
    },
  };
  return bus;

  /** Publishes every unsent message, oldest first; recreates what vanished on NOT_FOUND. */
  async function relayOutbox(): Promise<void> {
    for (;;) {
      const messages = await unsentMessages(db, 100);
      if (messages.length === 0) return;
      for (const message of messages) {
        const publish = () =>
          publisher(message.topic).publishMessage({
            json: message.payload,
            // The trace context travels as attributes (W3C traceparent, tracestate).
            attributes: {
              ...traceCarrierOf(message.trace_context),
              message_id: message.message_id,
            },
          });
        try {
          await publish();
        } catch (error) {
          if ((error as { code?: number }).code !== notFound || ensured.topics.size === 0) {
            throw error;
          }
          options.logger.warn(
            'Pub/Sub topics vanished (an emulator restarted?): creating them again',
          );
          await restoreTopology();
          await publish();
        }
        await db.query(
          'UPDATE outbox_messages SET sent_at = now() WHERE message_id = $1 AND sent_at IS NULL',
          [message.message_id],
        );
      }
    }
  }

  /** Creates again every topic and subscription this process made. */
  async function restoreTopology(): Promise<void> {
    for (const name of [...ensured.topics]) await ensureTopic(name);
    for (const [name, { topic, pushEndpoint }] of [...ensured.subscriptions]) {
      await ensureSubscription(topic, name, pushEndpoint);
    }
  }

  /** Retries the relay in the background, later each time, until it gets through. */
  function scheduleRetry(): void {
    if (closed || retry !== undefined) return;
    const wait = Math.min(30_000, firstRetryMs * 2 ** Math.max(0, failures - 1));
    retry = setTimeout(() => {
      retry = undefined;
      failedAt = 0;
      bus
        .flush()
        .catch((error: unknown) =>
          options.logger.warn('outbox relay failed, will retry', { error }),
        );
    }, wait);
    retry.unref();
  }
}

/**
 * The JSON payload, or its text when it is not JSON: the handler's edge then records the message
 * as malformed and acknowledges it, where a parse error here would nack it until it dead-letters.
 */
function decodeJson(data: Buffer): unknown {
  const text = data.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
