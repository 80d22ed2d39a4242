/**
 * Pub/Sub messages as they reach a function: a CloudEvent of type
 * `google.cloud.pubsub.topic.v1.messagePublished` whose data is `{ message: { data (base64),
 * attributes, messageId, publishTime }, subscription }`
 * (https://cloud.google.com/eventarc/docs/cloudevents#pubsub). functions-framework turns a raw
 * Pub/Sub push body into the same shape.
 */
import type { BusMessage } from '../adapters/event-bus/event-bus.ts';
import { allTopics, type Topic } from '../messages/topics.ts';
import { traceCarrierOf } from '../tracing/trace-context.ts';

/** The parts of a CloudEvent abtest reads. */
export interface IncomingCloudEvent {
  readonly id?: string;
  readonly source?: string;
  readonly type?: string;
  readonly data?: unknown;
}

/**
 * Decodes a Pub/Sub CloudEvent.
 * @param event - the CloudEvent
 * @returns the topic (when the source names one of ours) and the message, its data parsed as
 *   JSON when it is JSON and left as text otherwise (the handler's schema check rejects it)
 * @example const { topic, message } = decodePubSubEvent(event)
 */
export function decodePubSubEvent(event: IncomingCloudEvent): {
  readonly topic: Topic | undefined;
  readonly message: Omit<BusMessage, 'topic'>;
} {
  const data = (event.data ?? {}) as {
    message?: { data?: string; attributes?: Record<string, string>; messageId?: string };
  };
  const encoded = data.message?.data ?? '';
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  let payload: unknown = text;
  try {
    payload = JSON.parse(text);
  } catch {
    // left as text: the handler records it as malformed
  }
  const topicName = /\/topics\/([^/]+)$/.exec(event.source ?? '')?.[1];
  const topic = allTopics.find((candidate) => candidate === topicName);
  return {
    topic,
    message: {
      id: data.message?.attributes?.message_id ?? data.message?.messageId ?? event.id ?? 'unknown',
      data: payload,
      attempt: 1,
      traceContext: traceCarrierOf(data.message?.attributes),
    },
  };
}
