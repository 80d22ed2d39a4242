/**
 * A subscriber for bus tests: records every delivery it accepts, can fail chosen ones, and lets a
 * test wait (bounded by the test timeout, never by a sleep) until what it expects has arrived.
 */
import type { BusMessage, MessageHandler } from '../../shared/adapters/event-bus/event-bus.ts';

/** One delivery as the handler saw it. */
export interface Delivery {
  readonly id: string;
  readonly topic: string;
  readonly data: unknown;
  readonly attempt: number;
  /** True when the handler threw for this delivery. */
  readonly failed: boolean;
}

/** What the inbox does with a delivery; throwing fails it (the bus redelivers). */
export type Behaviour = (message: BusMessage, earlier: readonly Delivery[]) => Promise<void> | void;

/** The recording subscriber. */
export interface MessageInbox {
  readonly handler: MessageHandler;
  /** Accepted deliveries, in arrival order. */
  readonly deliveries: readonly Delivery[];
  /** Resolves once `predicate` holds for the deliveries so far. */
  until(predicate: (deliveries: readonly Delivery[]) => boolean): Promise<readonly Delivery[]>;
}

/**
 * Creates an inbox.
 * @param accept - which messages belong to the test (others, from tests sharing a Pub/Sub
 *   emulator, are acknowledged and ignored); default all
 * @param behaviour - runs for each accepted delivery; throw to fail it
 * @returns the inbox
 * @example const inbox = messageInbox(); await bus.subscribe(topic, 'validate', inbox.handler)
 */
export function messageInbox(
  accept: (message: BusMessage) => boolean = () => true,
  behaviour: Behaviour = () => undefined,
): MessageInbox {
  const deliveries: Delivery[] = [];
  const waiters: { predicate: (d: readonly Delivery[]) => boolean; resolve: () => void }[] = [];
  const notify = () => {
    for (const waiter of [...waiters]) {
      if (waiter.predicate(deliveries)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  return {
    deliveries,
    async handler(message) {
      if (!accept(message)) return;
      const earlier = [...deliveries];
      const record = (failed: boolean) => {
        const { id, topic, data, attempt } = message;
        deliveries.push({ id, topic, data, attempt, failed });
        notify();
      };
      try {
        await behaviour(message, earlier);
      } catch (error) {
        record(true);
        throw error;
      }
      record(false);
    },
    async until(predicate) {
      if (!predicate(deliveries)) {
        await new Promise<void>((resolve) => waiters.push({ predicate, resolve }));
      }
      return [...deliveries];
    },
  };
}

/**
 * Counts the successful deliveries of each message id.
 * @param deliveries - what an inbox recorded
 * @returns id to count
 * @example expect(handledCounts(inbox.deliveries)).toEqual({ 'abtest.batch.received:b1': 1 })
 */
export function handledCounts(deliveries: readonly Delivery[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const delivery of deliveries) {
    if (!delivery.failed) counts[delivery.id] = (counts[delivery.id] ?? 0) + 1;
  }
  return counts;
}
