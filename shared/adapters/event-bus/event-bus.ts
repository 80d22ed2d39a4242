/**
 * The EventBus port: Pub/Sub on GCP, an in-process bus on a laptop, with the same semantics:
 * at-least-once delivery, redelivery with backoff when a handler throws, a dead letter after
 * five attempts. Publishing goes through the outbox (`enqueueMessage`), written in the same
 * transaction as the state a message announces; `flush` then sends what the outbox holds.
 */
import type { Topic } from '../../messages/topics.ts';
import type { TraceCarrier } from '../../tracing/trace-context.ts';

/** One delivery of a message to a subscription. */
export interface BusMessage {
  /** Stable across redeliveries: the outbox message id. */
  readonly id: string;
  readonly topic: Topic;
  /** The decoded JSON payload, still unvalidated. */
  readonly data: unknown;
  /** 1 for the first delivery. */
  readonly attempt: number;
  /** The trace the message continues (W3C `traceparent`), when it was written in one. */
  readonly traceContext?: TraceCarrier;
}

/** Handles one message; throwing makes the bus redeliver it later. */
export type MessageHandler = (message: BusMessage) => Promise<void>;

/** Delivery limits shared by both buses (Pub/Sub: the subscription's retry and dead-letter policy). */
export const deliveryPolicy = {
  maxAttempts: 5,
  minBackoffMs: 100,
  maxBackoffMs: 10_000,
} as const;

/**
 * How a subscription's messages are delivered, beyond the bus's defaults. On Pub/Sub these are
 * the subscription's own settings (Terraform, the emulator's push subscriptions); the
 * in-process bus honours them itself.
 */
export interface SubscriptionOptions {
  /**
   * Deliver this many messages of the subscription at once, apart from every other
   * subscription: slow handlers (a webhook receiver that does not answer) then hold up neither
   * each other nor the chain. Without it the subscription shares the chain's one-at-a-time
   * delivery.
   */
  readonly concurrency?: number;
  /** Multiplies the bus's retry backoff (Pub/Sub: the subscription's retry policy). */
  readonly backoffScale?: number;
}

/** A message bus fed by the outbox. */
export interface EventBus {
  readonly kind: 'inprocess' | 'pubsub';
  /** Sends every message the outbox holds that has not been sent yet. */
  flush(): Promise<void>;
  /** Delivers the messages of `topic` to `handler` under a named subscription. */
  subscribe(
    topic: Topic,
    subscription: string,
    handler: MessageHandler,
    options?: SubscriptionOptions,
  ): Promise<void>;
  close(): Promise<void>;
}

/**
 * The backoff before attempt `attempt + 1`: exponential from the minimum, capped.
 * @param attempt - the attempt that just failed (1-based)
 * @param policy - the bounds
 * @returns milliseconds to wait
 * @example backoffMs(1) // 100
 */
export function backoffMs(
  attempt: number,
  policy: { readonly minBackoffMs: number; readonly maxBackoffMs: number } = deliveryPolicy,
): number {
  return Math.min(policy.maxBackoffMs, policy.minBackoffMs * 2 ** Math.max(0, attempt - 1));
}
