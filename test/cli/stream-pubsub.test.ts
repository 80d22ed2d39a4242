/**
 * `abtest stream --from pubsub:SUBSCRIPTION` against the real Pub/Sub emulator and a real
 * PostgreSQL database (DATABASE_URL): events published to a topic of the test's own are folded
 * in (a message published twice counts once), each message is acknowledged (a second run finds
 * nothing left), the `postgres` sink writes `posterior_snapshots` and the `pubsub` sink
 * publishes each row on `abtest.posterior.snapshot` and the counts on `abtest.progress`. Every
 * topic and subscription the test makes carries its own tag and is deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresDatabase } from '../../shared/adapters/database/pg-database.ts';
import { topics } from '../../shared/messages/topics.ts';
import { bayesianBinomialComparison } from '../../shared/stats/bayesian-beta-comparison.ts';
import { readSnapshots } from '../../shared/store/live-records.ts';
import { runAbtest } from '../support/abtest-cli.ts';
import { eventLine as event } from '../support/ndjson-event.ts';
import { scratchPostgres, type ScratchDatabase } from '../support/scratch-postgres.ts';

const emulator = process.env.PUBSUB_EMULATOR_HOST;
const adminUrl = process.env.TEST_DATABASE_URL;
const projectId = process.env.GOOGLE_CLOUD_PROJECT ?? 'abtest-local';

if (emulator === undefined || emulator === '' || adminUrl === undefined || adminUrl === '') {
  // eslint-disable-next-line no-console
  console.warn(
    'PUBSUB_EMULATOR_HOST or TEST_DATABASE_URL not set: the stream Pub/Sub suite is skipped',
  );
  describe('abtest stream --from pubsub', () => {
    it.skip('needs PUBSUB_EMULATOR_HOST and TEST_DATABASE_URL (.ci/run sets both)', () => {});
  });
} else {
  const tag = `t${randomBytes(4).toString('hex')}`;
  const experimentId = `stream-${tag}`;
  const admin = new PubSub({ projectId });
  const server = scratchPostgres(adminUrl);
  let database: ScratchDatabase;
  let dir: string;
  /** Messages of the test's experiment that reached the sink topics' subscriptions. */
  const received: { topic: string; data: Record<string, unknown> }[] = [];
  const listening: Subscription[] = [];

  const createTopic = async (name: string) => {
    const [exists] = await admin.topic(name).exists();
    if (!exists)
      await admin
        .topic(name)
        .create()
        .catch(() => undefined);
    return admin.topic(name);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-stream-pubsub-'));
    database = await server.create();
    const events = await createTopic(`${tag}-events`);
    await events.createSubscription(`${tag}-events-stream`);
    for (const topic of [topics.posteriorSnapshot, topics.progress]) {
      const [subscription] = await (await createTopic(topic)).createSubscription(`${tag}-${topic}`);
      listening.push(subscription);
      subscription.on('message', (message: Message) => {
        message.ack();
        const data = JSON.parse(message.data.toString('utf8')) as Record<string, unknown>;
        if (data.experiment_id === experimentId) received.push({ topic, data });
      });
    }
    await writeFile(
      path.join(dir, 'experiments.yaml'),
      [
        'experiments:',
        `  - id: ${experimentId}`,
        '    success_event: purchase',
        '    sinks: [postgres, pubsub, log]',
        '    variants: [{key: control, control: true}, {key: treatment}]',
        '',
      ].join('\n'),
    );
  }, 60_000);

  afterAll(async () => {
    for (const subscription of listening) await subscription.close();
    for (const name of [
      `${tag}-events-stream`,
      ...[topics.posteriorSnapshot, topics.progress].map((t) => `${tag}-${t}`),
    ]) {
      await admin
        .subscription(name)
        .delete()
        .catch(() => undefined);
    }
    await admin
      .topic(`${tag}-events`)
      .delete()
      .catch(() => undefined);
    await admin.close();
    await database?.drop();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('abtest stream --from pubsub', () => {
    it('folds the subscription in, acknowledges it, and writes the postgres and pubsub sinks', async () => {
      const t0 = '2026-02-01T10:00:00Z';
      const t1 = '2026-02-01T10:05:00Z';
      const first = [
        ...Array.from({ length: 6 }, (_, i) =>
          event(experimentId, `c${i}`, 'control', 'exposure', t0),
        ),
        event(experimentId, 'c0', 'control', 'purchase', t1),
        ...Array.from({ length: 5 }, (_, i) =>
          event(experimentId, `t${i}`, 'treatment', 'exposure', t0),
        ),
      ].join('\n');
      const second = [
        ...Array.from({ length: 3 }, (_, i) =>
          event(experimentId, `t${i}`, 'treatment', 'purchase', t1),
        ),
        event(experimentId, 'c1', 'control', 'purchase', '2026-02-01T09:00:00Z'), // before exposure
        '{"experiment_id": "broken"',
      ].join('\n');
      const events = admin.topic(`${tag}-events`);
      await events.publishMessage({ data: Buffer.from(first) });
      await events.publishMessage({ data: Buffer.from(first) }); // delivered twice: counted once
      await events.publishMessage({ data: Buffer.from(second) });

      const env = {
        DATABASE_URL: database.url,
        PUBSUB_EMULATOR_HOST: emulator,
        GOOGLE_CLOUD_PROJECT: projectId,
      };
      const run = await runAbtest(
        [
          'stream',
          '--config',
          'experiments.yaml',
          '--from',
          `pubsub:projects/${projectId}/subscriptions/${tag}-events-stream`,
          '--run-for',
          '6',
          '--progress-interval',
          '2',
        ],
        { cwd: dir, env },
      );
      expect(run.stderr).toMatch(/line 5: not valid JSON/);
      expect(run.stderr).toContain('3 messages, 29 lines read, 1 refused; 1 experiments');
      expect(run.code).toBe(0);

      const expected = bayesianBinomialComparison({ n: 6, successes: 1 }, { n: 5, successes: 3 });
      const db = openPostgresDatabase(database.url);
      let latest;
      try {
        latest = await readSnapshots(db, experimentId, { latest: true });
      } finally {
        await db.close();
      }
      expect(latest).toEqual([
        expect.objectContaining({
          variant: 'control',
          exposures: 6,
          successes: 1,
          alpha: 2,
          beta: 6,
          probability_beat_control: null,
        }),
        expect.objectContaining({
          variant: 'treatment',
          exposures: 5,
          successes: 3,
          probability_beat_control: expected.probBeatControl,
          expected_loss: expected.expectedLoss,
          incremental_exposures: 0,
        }),
      ]);
      const tickAt = latest[0]?.tick_at;
      // The last tick's messages: one per variant, and the progress of the experiment.
      await expect
        .poll(() => received.filter((m) => m.data.tick_at === tickAt).length, { timeout: 20_000 })
        .toBe(3);
      const last = received.filter((m) => m.data.tick_at === tickAt);
      expect(
        last
          .filter((m) => m.topic === topics.posteriorSnapshot)
          .map((m) => [m.data.variant, m.data.exposures, m.data.successes])
          .sort(),
      ).toEqual([
        ['control', 6, 1],
        ['treatment', 5, 3],
      ]);
      expect(last.find((m) => m.topic === topics.progress)?.data).toMatchObject({
        version: 1,
        experiment_id: experimentId,
        tick_at: tickAt,
        variants: [
          {
            variant: 'control',
            exposures: 6,
            successes: 1,
            incremental_exposures: 0,
            incremental_successes: 0,
          },
          {
            variant: 'treatment',
            exposures: 5,
            successes: 3,
            incremental_exposures: 0,
            incremental_successes: 0,
          },
        ],
      });

      // Every message was acknowledged: a second run finds nothing left to read.
      const again = await runAbtest(
        [
          'stream',
          '--config',
          'experiments.yaml',
          '--from',
          `pubsub:${tag}-events-stream`,
          '--run-for',
          '3',
        ],
        { cwd: dir, env },
      );
      expect(again.code).toBe(0);
      expect(again.stderr).toContain('0 messages, 0 lines read, 0 refused');
      expect(
        again.stdout
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { exposures: number }).exposures),
      ).toEqual([0, 0]);
    }, 120_000);

    it('refuses a subscription that does not exist, and a --from that names none', async () => {
      const env = {
        PUBSUB_EMULATOR_HOST: emulator,
        GOOGLE_CLOUD_PROJECT: projectId,
        DATABASE_URL: database.url,
      };
      const missing = await runAbtest(
        [
          'stream',
          '--config',
          'experiments.yaml',
          '--from',
          `pubsub:${tag}-nowhere`,
          '--run-for',
          '2',
        ],
        { cwd: dir, env },
      );
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`Pub/Sub subscription ${tag}-nowhere does not exist`);
      const empty = await runAbtest(
        ['stream', '--config', 'experiments.yaml', '--from', 'pubsub:'],
        { cwd: dir, env },
      );
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain('expected pubsub:SUBSCRIPTION');
    }, 60_000);
  });
}
