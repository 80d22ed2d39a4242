/**
 * The Pub/Sub emulator stopped and started again under `abtest serve --bus pubsub`, on a private
 * emulator this test starts on a spare port and stops by its process group: uploads made while
 * it is down are answered 202, their messages wait in the outbox, and once it is back (empty,
 * as a restarted emulator is) the topics and push subscriptions are made again, the messages
 * published, and the final summary is a clean run's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../serve/serve-process.ts';
import { startPrivateEmulator, type PrivateEmulator } from '../support/private-servers.ts';
import {
  cleanSummary,
  comparable,
  faultEventParts,
  faultToken,
  faultSummary,
  uploadPart,
} from './fault-run.ts';

const projectId = 'abtest-fault';
const started = await startPrivateEmulator(projectId);
const skipReason = typeof started === 'string' ? started : undefined;
if (skipReason !== undefined) {
  // eslint-disable-next-line no-console
  console.warn(`the Pub/Sub fault test is skipped: ${skipReason}`);
}

describe.skipIf(skipReason !== undefined)(
  `the Pub/Sub emulator stopped and restarted${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    const emulator = started as PrivateEmulator;
    let dir: string;
    let parts: string[];
    let serve: ServeProcess;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-fault-pubsub-'));
      parts = await faultEventParts(dir);
      serve = await startServe(
        path.join(dir, 'data'),
        {
          ABTEST_API_TOKEN: faultToken,
          PUBSUB_EMULATOR_HOST: emulator.host,
          GOOGLE_CLOUD_PROJECT: projectId,
        },
        ['--bus', 'pubsub'],
      );
    }, 180_000);

    afterAll(async () => {
      await serve?.stop('SIGKILL');
      await emulator.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps messages in the outbox while it is down and publishes them when it is back', async () => {
      expect(serve.log()).toMatch(/\(bus: pubsub\)/);
      const first = await uploadPart(serve.url, parts[0] ?? '');
      expect(first.status).toBe(202);
      await faultSummary(serve.url, 1);

      await emulator.stop();
      for (const part of parts.slice(1)) {
        const upload = await uploadPart(serve.url, part);
        expect(upload.status).toBe(202);
      }
      await emulator.start();

      const summary = await faultSummary(serve.url, 3);
      expect(comparable(summary)).toEqual(comparable(await cleanSummary(parts)));
      expect(serve.log()).toMatch(/creating them again/);
      expect(serve.child.exitCode).toBeNull();
      expect(await serve.stop('SIGTERM')).toBe(0);
    }, 400_000);
  },
);
