/**
 * The EventBus contract: what the in-process bus and the Pub/Sub bus must do the same way.
 * Messages go in through the outbox (`enqueueMessage`, then `bus.flush()`), as the stages send
 * them. Run by `in-process-bus.test.ts` and `pubsub-bus.test.ts`.
 *
 * A Pub/Sub emulator may be shared with other test files publishing to the same fixed topics,
 * so every test uses its own subscription names and payload ids (`tag`), and its inboxes ignore
 * messages that are not its own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../../shared/adapters/database/database.ts';
import type { BusMessage, EventBus } from '../../../../shared/adapters/event-bus/event-bus.ts';
import { enqueueMessage } from '../../../../shared/adapters/event-bus/outbox.ts';
import { topics } from '../../../../shared/messages/topics.ts';
import type { Behaviour } from '../../../support/message-inbox.ts';
import { handledCounts, messageInbox } from '../../../support/message-inbox.ts';

/** A bus opened for one test over a migrated database holding its outbox. */
export interface BusUnderTest {
  readonly db: Database;
  readonly bus: EventBus;
  /** Unique to this test; starts with a letter, safe in subscription names. */
  readonly tag: string;
  /** Closes the bus, removes the test's subscriptions, drops the database. */
  dispose(): Promise<void>;
}

/**
 * Declares the contract suite for one implementation.
 * @param name - shown in the test names
 * @param open - opens a bus and a database for one test
 * @example describeEventBusContract('in-process bus', openInProcess)
 */
export function describeEventBusContract(name: string, open: () => Promise<BusUnderTest>): void {
  describe(`EventBus contract: ${name}`, () => {
    let subject: BusUnderTest;
    let db: Database;
    let bus: EventBus;
    let tag: string;

    beforeEach(async () => {
      subject = await open();
      ({ db, bus, tag } = subject);
    });
    afterEach(() => subject.dispose());

    const batchId = (n: number | string) => `${tag}-b${n}`;
    const received = (n: number | string) => ({ version: 1 as const, batch_id: batchId(n) });
    const receivedId = (n: number | string) => `${topics.batchReceived}:${batchId(n)}`;
    const ours = (message: BusMessage) =>
      String((message.data as { batch_id?: unknown } | null)?.batch_id).startsWith(`${tag}-`);
    const inbox = (behaviour?: Behaviour) => messageInbox(ours, behaviour);
    const send = async (n: number | string) => {
      await enqueueMessage(db, topics.batchReceived, received(n), batchId(n));
    };

    it('delivers a message with its outbox id, topic, payload and attempt 1', async () => {
      const validate = inbox();
      await bus.subscribe(topics.batchReceived, `${tag}-validate`, validate.handler);

      const id = await enqueueMessage(db, topics.batchReceived, received(1), batchId(1));
      await bus.flush();
      const deliveries = await validate.until((d) => d.length >= 1);

      expect(id).toBe(receivedId(1));
      expect(deliveries).toEqual([
        { id, topic: topics.batchReceived, data: received(1), attempt: 1, failed: false },
      ]);
      const outbox = await db.query<{ sent: boolean }>(
        'SELECT sent_at IS NOT NULL AS sent FROM outbox_messages WHERE message_id = $1',
        [id],
      );
      expect(outbox.rows).toEqual([{ sent: true }]);
    });

    it('delivers the same (topic, key) once, however often it is enqueued', async () => {
      const validate = inbox();
      await bus.subscribe(topics.batchReceived, `${tag}-validate`, validate.handler);

      await send(1);
      await send(1);
      await bus.flush();
      await validate.until((d) => handledCounts(d)[receivedId(1)] === 1);
      await send(1);
      await send('sentinel');
      await bus.flush();
      await validate.until((d) => handledCounts(d)[receivedId('sentinel')] === 1);

      expect(handledCounts(validate.deliveries)).toEqual({
        [receivedId(1)]: 1,
        [receivedId('sentinel')]: 1,
      });
    });

    it('redelivers a message whose handler threw, with the same id and payload', async () => {
      const validate = inbox((message) => {
        if (message.attempt === 1) throw new Error('transient: database busy');
      });
      await bus.subscribe(topics.batchReceived, `${tag}-validate`, validate.handler);

      await send(1);
      await bus.flush();
      const deliveries = await validate.until((d) => d.some((delivery) => !delivery.failed));

      expect(deliveries).toEqual([
        {
          id: receivedId(1),
          topic: topics.batchReceived,
          data: received(1),
          attempt: 1,
          failed: true,
        },
        {
          id: receivedId(1),
          topic: topics.batchReceived,
          data: received(1),
          attempt: 2,
          failed: false,
        },
      ]);
    });

    it('delivers a message to every subscription of its topic, and only those', async () => {
      const first = inbox();
      const second = inbox();
      const other = inbox();
      await bus.subscribe(topics.batchReceived, `${tag}-first`, first.handler);
      await bus.subscribe(topics.batchReceived, `${tag}-second`, second.handler);
      await bus.subscribe(topics.batchValidated, `${tag}-other`, other.handler);

      await send(1);
      await bus.flush();
      await first.until((d) => d.length >= 1);
      await second.until((d) => d.length >= 1);
      // Sent after, so the other subscription has had the chance to see the first message.
      const validated = { version: 1 as const, batch_id: batchId(2), experiment_ids: [] };
      await enqueueMessage(db, topics.batchValidated, validated, batchId(2));
      await bus.flush();
      await other.until((d) => d.length >= 1);

      expect(handledCounts(first.deliveries)).toEqual({ [receivedId(1)]: 1 });
      expect(handledCounts(second.deliveries)).toEqual({ [receivedId(1)]: 1 });
      expect(handledCounts(other.deliveries)).toEqual({
        [`${topics.batchValidated}:${batchId(2)}`]: 1,
      });
    });

    it('never sends what was enqueued in a transaction that rolled back', async () => {
      const validate = inbox();
      await bus.subscribe(topics.batchReceived, `${tag}-validate`, validate.handler);

      await expect(
        db.transaction(async (tx) => {
          await enqueueMessage(tx, topics.batchReceived, received('rolled'), batchId('rolled'));
          throw new Error('state write failed');
        }),
      ).rejects.toThrow('state write failed');
      await send('sentinel');
      await bus.flush();
      await validate.until((d) => d.length >= 1);

      expect(handledCounts(validate.deliveries)).toEqual({ [receivedId('sentinel')]: 1 });
    });

    it('delivers what a handler enqueues and flushes (the chain)', async () => {
      const analyze = inbox();
      const validate = inbox(async (message) => {
        const { batch_id } = message.data as { batch_id: string };
        await enqueueMessage(
          db,
          topics.batchValidated,
          { version: 1, batch_id, experiment_ids: ['e1'] },
          batch_id,
        );
        await bus.flush();
      });
      await bus.subscribe(topics.batchReceived, `${tag}-validate`, validate.handler);
      await bus.subscribe(topics.batchValidated, `${tag}-analyze`, analyze.handler);

      await send(1);
      await bus.flush();
      const deliveries = await analyze.until((d) => d.length >= 1);

      expect(deliveries).toEqual([
        {
          id: `${topics.batchValidated}:${batchId(1)}`,
          topic: topics.batchValidated,
          data: { version: 1, batch_id: batchId(1), experiment_ids: ['e1'] },
          attempt: 1,
          failed: false,
        },
      ]);
    });
  });
}
