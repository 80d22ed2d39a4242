/**
 * The EventBus on Google Cloud Pub/Sub (`@google-cloud/pubsub`; the client honours
 * `PUBSUB_EMULATOR_HOST`). `flush` relays the outbox to the topics; `subscribe` pulls with a
 * dead-letter policy of five attempts and exponential retry backoff, the same policy the
 * Terraform push subscriptions carry
 * (https://cloud.google.com/pubsub/docs/handling-failures).
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
import type { EventBus } from './event-bus.ts';
import { deliveryPolicy } from './event-bus.ts';
import { unsentMessages } from './outbox.ts';

const alreadyExists = 6;

/** The Pub/Sub bus, with the topology calls the local stack and tests need. */
export interface PubSubBus extends EventBus {
  /** Creates a topic when absent (idempotent) and returns it. */
  ensureTopic(name: string): Promise<PubSubTopic>;
  /** Creates a subscription when absent, with the dead-letter and retry policy (idempotent). */
  ensureSubscription(topic: Topic, name: string, pushEndpoint?: string): Promise<Subscription>;
  /** The underlying client, for inspection in tests. */
  readonly client: PubSub;
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

  const ensureTopic = async (name: string): Promise<PubSubTopic> => {
    const topic = client.topic(name);
    try {
      await topic.create();
    } catch (error) {
      if ((error as { code?: number }).code !== alreadyExists) throw error;
    }
    return topic;
  };

  const ensureSubscription = async (topic: Topic, name: string, pushEndpoint?: string) => {
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

  return {
    kind: 'pubsub',
    client,
    ensureTopic,
    ensureSubscription,
    async flush() {
      for (;;) {
        const messages = await unsentMessages(db, 100);
        if (messages.length === 0) return;
        for (const message of messages) {
          await client.topic(message.topic).publishMessage({
            json: message.payload,
            attributes: { message_id: message.message_id },
          });
          await db.query(
            'UPDATE outbox_messages SET sent_at = now() WHERE message_id = $1 AND sent_at IS NULL',
            [message.message_id],
          );
        }
      }
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
    async close() {
      await Promise.all(listening.map((subscription) => subscription.close()));
      await client.close();
    },
  };
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
