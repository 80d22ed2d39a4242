/**
 * The Pub/Sub bus against the real Pub/Sub emulator (`PUBSUB_EMULATOR_HOST`; `.ci/run` starts
 * it): the shared EventBus contract, plus the topology: topics and subscriptions created
 * idempotently with the dead-letter and retry policy, and a malformed message handed over
 * (to be recorded and acknowledged) instead of being retried until it dead-letters.
 *
 * The adapter publishes to the fixed topic names of shared/messages/topics.ts, which other test
 * files may use on the same emulator, so each test subscribes under its own names, filters on its
 * own payload ids and deletes its subscriptions afterwards.
 */
import { randomBytes } from 'node:crypto';
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PubSubBus } from '../../../../shared/adapters/event-bus/pubsub-bus.ts';
import { pubSubBus } from '../../../../shared/adapters/event-bus/pubsub-bus.ts';
import { migrate } from '../../../../shared/adapters/database/migrate.ts';
import { createLogger, silentLogger, type Logger } from '../../../../shared/logging/logger.ts';
import { deadLetterTopic, topics } from '../../../../shared/messages/topics.ts';
import type { IsolatedDatabase, IsolatedDatabases } from '../../../support/isolated-databases.ts';
import { pgliteSchemas } from '../../../support/isolated-databases.ts';
import { messageInbox } from '../../../support/message-inbox.ts';
import { describeEventBusContract } from './event-bus-contract.ts';

const emulator = process.env.PUBSUB_EMULATOR_HOST;
const projectId = process.env.GOOGLE_CLOUD_PROJECT ?? 'abtest-local';

/** Opens a bus on the emulator; dispose deletes the subscriptions whose names carry `tag`. */
async function openPubSub(
  databases: IsolatedDatabases,
  admin: PubSub,
  logger: Logger = silentLogger,
): Promise<{ isolated: IsolatedDatabase; bus: PubSubBus; tag: string; dispose(): Promise<void> }> {
  const isolated = await databases.open();
  await migrate(isolated.db);
  const bus = pubSubBus(isolated.db, { projectId, logger });
  const tag = `t${randomBytes(4).toString('hex')}`;
  return {
    isolated,
    bus,
    tag,
    async dispose() {
      await bus.close();
      const [subscriptions] = await admin.getSubscriptions();
      for (const subscription of subscriptions) {
        if (subscription.name.split('/').pop()?.startsWith(`${tag}-`)) await subscription.delete();
      }
      await isolated.dispose();
    },
  };
}

if (emulator === undefined || emulator === '') {
  // eslint-disable-next-line no-console
  console.warn('PUBSUB_EMULATOR_HOST not set: the Pub/Sub EventBus suite is skipped');
  describe('EventBus contract: Pub/Sub bus on the emulator', () => {
    it.skip('PUBSUB_EMULATOR_HOST not set (.ci/run starts the emulator and sets it)', () => {});
  });
} else {
  const databases = pgliteSchemas();
  /** Lists and deletes the tests' subscriptions (each bus closes its own client). */
  const admin = new PubSub({ projectId });
  afterAll(async () => {
    await admin.close();
    await databases.close();
  });

  describeEventBusContract('Pub/Sub bus on the emulator', async () => {
    const opened = await openPubSub(databases, admin);
    return { db: opened.isolated.db, bus: opened.bus, tag: opened.tag, dispose: opened.dispose };
  });

  describe('Pub/Sub bus topology', () => {
    let opened: Awaited<ReturnType<typeof openPubSub>>;
    const warnings: string[] = [];
    const recordingLogger = createLogger({
      level: 'warning',
      json: true,
      write: (line) => warnings.push((JSON.parse(line) as { message: string }).message),
    });

    beforeEach(async () => {
      warnings.length = 0;
      opened = await openPubSub(databases, admin, recordingLogger);
    });
    afterEach(() => opened.dispose());

    it('creates topics idempotently', async () => {
      const first = await opened.bus.ensureTopic(topics.rerun);
      const second = await opened.bus.ensureTopic(topics.rerun);

      expect(second.name).toBe(first.name);
      const [exists] = await opened.bus.client.topic(topics.rerun).exists();
      expect(exists).toBe(true);
    });

    it('creates a subscription idempotently with the dead-letter and retry policy', async () => {
      const name = `${opened.tag}-validate`;
      await opened.bus.ensureSubscription(topics.batchReceived, name);
      const subscription = await opened.bus.ensureSubscription(topics.batchReceived, name);

      const [metadata] = await subscription.getMetadata();
      expect(metadata.topic).toBe(`projects/${projectId}/topics/${topics.batchReceived}`);
      expect(metadata.deadLetterPolicy).toEqual({
        deadLetterTopic: `projects/${projectId}/topics/${deadLetterTopic}`,
        maxDeliveryAttempts: 5,
      });
      expect(metadata.retryPolicy?.minimumBackoff?.seconds).toBe('10');
      expect(metadata.retryPolicy?.maximumBackoff?.seconds).toBe('600');
      expect(metadata.ackDeadlineSeconds).toBe(600);
      const [deadLetters] = await opened.bus.client.topic(deadLetterTopic).exists();
      expect(deadLetters).toBe(true);
    });

    it('hands a message that is not JSON to the handler as text, and acknowledges it', async () => {
      const validate = messageInbox((message) => message.id === `${opened.tag}-garbage`);
      await opened.bus.subscribe(topics.batchReceived, `${opened.tag}-validate`, validate.handler);

      await opened.bus.client.topic(topics.batchReceived).publishMessage({
        data: Buffer.from('not json {'),
        attributes: { message_id: `${opened.tag}-garbage` },
      });
      const deliveries = await validate.until((d) => d.length >= 1);

      expect(deliveries[0]).toEqual({
        id: `${opened.tag}-garbage`,
        topic: topics.batchReceived,
        data: 'not json {',
        attempt: 1,
        failed: false,
      });
      expect(warnings.filter((w) => w.includes('nack'))).toEqual([]);
    });
  });
}
