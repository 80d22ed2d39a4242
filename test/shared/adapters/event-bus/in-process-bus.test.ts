/**
 * The in-process bus on PGlite: the shared EventBus contract, plus what a local run relies on:
 * dead letters after five attempts, `idle()`, delivery after a crash, and `redeliver: N`.
 * Backoffs are a few milliseconds here (options), not Pub/Sub's seconds.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../../shared/adapters/database/database.ts';
import { migrate } from '../../../../shared/adapters/database/migrate.ts';
import type {
  InProcessBus,
  InProcessBusOptions,
} from '../../../../shared/adapters/event-bus/in-process-bus.ts';
import { inProcessBus } from '../../../../shared/adapters/event-bus/in-process-bus.ts';
import { enqueueMessage } from '../../../../shared/adapters/event-bus/outbox.ts';
import { silentLogger } from '../../../../shared/logging/logger.ts';
import { topics } from '../../../../shared/messages/topics.ts';
import type { IsolatedDatabase } from '../../../support/isolated-databases.ts';
import { pgliteSchemas } from '../../../support/isolated-databases.ts';
import { handledCounts, messageInbox } from '../../../support/message-inbox.ts';
import { describeEventBusContract } from './event-bus-contract.ts';

const databases = pgliteSchemas();
afterAll(() => databases.close());

const fastRetries: InProcessBusOptions = {
  logger: silentLogger,
  minBackoffMs: 1,
  maxBackoffMs: 8,
};

describeEventBusContract('in-process bus on PGlite', async () => {
  const isolated = await databases.open();
  await migrate(isolated.db);
  const bus = inProcessBus(isolated.db, fastRetries);
  return {
    db: isolated.db,
    bus,
    tag: `t${randomBytes(4).toString('hex')}`,
    async dispose() {
      await bus.close();
      await isolated.dispose();
    },
  };
});

describe('in-process bus', () => {
  let isolated: IsolatedDatabase;
  let db: Database;
  const buses: InProcessBus[] = [];
  const openBus = (options: Partial<InProcessBusOptions> = {}) => {
    const bus = inProcessBus(db, { ...fastRetries, ...options });
    buses.push(bus);
    return bus;
  };
  const received = (batchId: string) => ({ version: 1 as const, batch_id: batchId });
  const idOf = (batchId: string) => `${topics.batchReceived}:${batchId}`;

  beforeEach(async () => {
    isolated = await databases.open();
    db = isolated.db;
    await migrate(db);
  });
  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.close();
    await isolated.dispose();
  });

  it('dead-letters a delivery after five failed attempts and lists it', async () => {
    const bus = openBus();
    const validate = messageInbox(undefined, (message) => {
      throw new Error(`boom ${message.attempt}`);
    });
    await bus.subscribe(topics.batchReceived, 'validate', validate.handler);

    await enqueueMessage(db, topics.batchReceived, received('b1'), 'b1');
    await bus.flush();
    await bus.idle();

    expect(validate.deliveries.map((d) => [d.attempt, d.failed])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
    ]);
    expect(await bus.deadLetters()).toEqual([
      { message_id: idOf('b1'), subscription: 'validate', attempts: 5, last_error: 'boom 5' },
    ]);
  });

  it('keeps a dead letter to one subscription from affecting another', async () => {
    const bus = openBus();
    const failing = messageInbox(undefined, () => {
      throw new Error('always');
    });
    const working = messageInbox();
    await bus.subscribe(topics.batchReceived, 'failing', failing.handler);
    await bus.subscribe(topics.batchReceived, 'working', working.handler);

    await enqueueMessage(db, topics.batchReceived, received('b1'), 'b1');
    await bus.flush();
    await bus.idle();

    expect(handledCounts(working.deliveries)).toEqual({ [idOf('b1')]: 1 });
    expect((await bus.deadLetters()).map((d) => d.subscription)).toEqual(['failing']);
  });

  it('delivers a subscription with a concurrency of its own beside the chain, that many at once', async () => {
    const bus = openBus();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const startedTwo = new Promise<void>((resolve) => {
      const slow = async (message: { id: string }) => {
        started.push(message.id);
        if (started.length === 2) resolve();
        await gate;
      };
      void bus.subscribe(
        topics.batchValidated,
        'slow',
        async (message) => {
          await slow(message);
        },
        { concurrency: 2 },
      );
    });
    const chain = messageInbox();
    await bus.subscribe(topics.batchReceived, 'chain', chain.handler);
    for (const batch of ['v1', 'v2']) {
      await enqueueMessage(
        db,
        topics.batchValidated,
        { ...received(batch), experiment_ids: [] },
        batch,
      );
    }
    await enqueueMessage(db, topics.batchReceived, received('b1'), 'b1');
    await bus.flush();
    // Both slow deliveries are under way at once, and the chain's message is delivered while
    // they still hang.
    await startedTwo;
    await chain.until((d) => d.length === 1);
    expect(started.sort()).toEqual([`${topics.batchValidated}:v1`, `${topics.batchValidated}:v2`]);
    release();
    await bus.idle();
    const settled = await db.query<{ subscription: string; status: string }>(
      'SELECT subscription, status FROM bus_deliveries ORDER BY subscription, message_id',
    );
    expect(settled.rows).toEqual([
      { subscription: 'chain', status: 'done' },
      { subscription: 'slow', status: 'done' },
      { subscription: 'slow', status: 'done' },
    ]);
  });

  it('resolves idle() only once every message, and every message they caused, is settled', async () => {
    const bus = openBus();
    const analyze = messageInbox();
    const validate = messageInbox(undefined, async (message, earlier) => {
      if (!earlier.some((d) => d.id === message.id)) throw new Error('first attempt fails');
      const { batch_id } = message.data as { batch_id: string };
      await enqueueMessage(
        db,
        topics.batchValidated,
        { ...received(batch_id), experiment_ids: [] },
        batch_id,
      );
      await bus.flush();
    });
    await bus.subscribe(topics.batchReceived, 'validate', validate.handler);
    await bus.subscribe(topics.batchValidated, 'analyze', analyze.handler);

    for (const batch of ['b1', 'b2', 'b3']) {
      await enqueueMessage(db, topics.batchReceived, received(batch), batch);
    }
    await bus.flush();
    await bus.idle();

    expect(handledCounts(validate.deliveries)).toEqual({
      [idOf('b1')]: 1,
      [idOf('b2')]: 1,
      [idOf('b3')]: 1,
    });
    expect(analyze.deliveries.map((d) => d.id).sort()).toEqual([
      `${topics.batchValidated}:b1`,
      `${topics.batchValidated}:b2`,
      `${topics.batchValidated}:b3`,
    ]);
    const states = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM bus_deliveries GROUP BY status',
    );
    expect(states.rows).toEqual([{ status: 'done', n: 6 }]);
    const unsent = await db.query('SELECT 1 FROM outbox_messages WHERE sent_at IS NULL');
    expect(unsent.rows).toEqual([]);
  });

  it('resolves idle() at once when there is nothing to deliver', async () => {
    const bus = openBus();
    await bus.subscribe(topics.batchReceived, 'validate', messageInbox().handler);
    await bus.idle();
    expect(await bus.deadLetters()).toEqual([]);
  });

  it('delivers after a restart the delivery a crash interrupted, counting the lost attempt', async () => {
    // What a process that crashed inside the handler leaves: the message fanned out, the
    // delivery pending with its first attempt recorded.
    await db.query(
      `INSERT INTO outbox_messages (message_id, topic, payload, sent_at) VALUES ($1, $2, $3, now())`,
      [idOf('b1'), topics.batchReceived, JSON.stringify(received('b1'))],
    );
    await db.query(
      `INSERT INTO bus_deliveries (message_id, subscription, status, attempts) VALUES ($1, $2, 'pending', 1)`,
      [idOf('b1'), 'validate'],
    );

    const restarted = openBus();
    const validate = messageInbox();
    await restarted.subscribe(topics.batchReceived, 'validate', validate.handler);
    await restarted.idle();

    expect(validate.deliveries).toEqual([
      {
        id: idOf('b1'),
        topic: topics.batchReceived,
        data: received('b1'),
        attempt: 2,
        failed: false,
      },
    ]);
    const state = await db.query('SELECT status, attempts FROM bus_deliveries');
    expect(state.rows).toEqual([{ status: 'done', attempts: 2 }]);
  });

  it('delivers after a restart what was enqueued but never flushed', async () => {
    const crashed = openBus();
    await crashed.subscribe(topics.batchReceived, 'validate', messageInbox().handler);
    await crashed.close();
    await enqueueMessage(db, topics.batchReceived, received('b1'), 'b1');
    await crashed.flush(); // closed: sends nothing

    const restarted = openBus();
    const validate = messageInbox();
    await restarted.subscribe(topics.batchReceived, 'validate', validate.handler);
    await restarted.idle();

    expect(handledCounts(validate.deliveries)).toEqual({ [idOf('b1')]: 1 });
  });

  it('fans out earlier messages to every subscription registered one after the other', async () => {
    await enqueueMessage(db, topics.batchReceived, received('b1'), 'b1');
    await enqueueMessage(
      db,
      topics.batchValidated,
      { ...received('b2'), experiment_ids: ['e1'] },
      'b2',
    );
    await enqueueMessage(db, topics.rerun, { version: 1, experiment_id: 'e1' }, 'r1');

    const bus = openBus();
    const inboxes = [messageInbox(), messageInbox(), messageInbox()];
    await bus.subscribe(topics.batchReceived, 'validate', inboxes[0]!.handler);
    await bus.subscribe(topics.batchValidated, 'analyze', inboxes[1]!.handler);
    await bus.subscribe(topics.rerun, 'analyze-rerun', inboxes[2]!.handler);
    await bus.idle();

    expect(inboxes.map((inbox) => handledCounts(inbox.deliveries))).toEqual([
      { [idOf('b1')]: 1 },
      { [`${topics.batchValidated}:b2`]: 1 },
      { [`${topics.rerun}:r1`]: 1 },
    ]);
  });

  it('with redeliver: 3, hands every message to its handler three times', async () => {
    const bus = openBus({ redeliver: 3 });
    const validate = messageInbox();
    await bus.subscribe(topics.batchReceived, 'validate', validate.handler);

    for (const batch of ['b1', 'b2']) {
      await enqueueMessage(db, topics.batchReceived, received(batch), batch);
    }
    await bus.flush();
    await bus.idle();

    expect(handledCounts(validate.deliveries)).toEqual({ [idOf('b1')]: 3, [idOf('b2')]: 3 });
    expect(validate.deliveries.every((d) => d.attempt === 1)).toBe(true);
    const states = await db.query('SELECT DISTINCT status FROM bus_deliveries');
    expect(states.rows).toEqual([{ status: 'done' }]);
  });

  it('with redeliver: 3, retries a message when any of its copies failed', async () => {
    const bus = openBus({ redeliver: 3 });
    const validate = messageInbox(undefined, (_message, earlier) => {
      if (earlier.length === 1) throw new Error('the second copy fails');
    });
    await bus.subscribe(topics.batchReceived, 'validate', validate.handler);

    await enqueueMessage(db, topics.batchReceived, received('b1'), 'b1');
    await bus.flush();
    await bus.idle();

    expect(validate.deliveries.map((d) => [d.attempt, d.failed])).toEqual([
      [1, false],
      [1, true],
      [1, false],
      [2, false],
      [2, false],
      [2, false],
    ]);
  });
});
