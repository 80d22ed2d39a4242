/**
 * PostgreSQL stopped in the middle of a run of `abtest serve` (DATABASE_URL), on a private
 * server this test starts (initdb, a spare port) and kills: /readyz answers 503 and uploads
 * 503 with Retry-After (nothing half-stored), the process keeps running and answering, and once
 * the server is back every upload answered 202, before or after, is analysed, nothing lost and
 * nothing twice: the final summary is a clean run's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, startServe, type ServeProcess } from '../serve/serve-process.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-servers.ts';
import {
  cleanSummary,
  comparable,
  faultEventParts,
  faultExperiment,
  faultToken,
  faultSummary,
  uploadPart,
} from './fault-run.ts';

const started = await startPrivatePostgres();
const skipReason = typeof started === 'string' ? started : undefined;
if (skipReason !== undefined) {
  // eslint-disable-next-line no-console
  console.warn(`the PostgreSQL fault test is skipped: ${skipReason}`);
}

describe.skipIf(skipReason !== undefined)(
  `PostgreSQL stopped mid-run${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    const pg = started as PrivatePostgres;
    let dir: string;
    let parts: string[];
    let serve: ServeProcess;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-fault-pg-'));
      parts = await faultEventParts(dir);
      serve = await startServe(path.join(dir, 'data'), {
        ABTEST_API_TOKEN: faultToken,
        DATABASE_URL: pg.url,
      });
    });

    afterAll(async () => {
      await serve?.stop('SIGKILL');
      await pg.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    it('answers 503 while it is down, keeps running, and loses nothing once it is back', async () => {
      const api = client(serve.url, faultToken);
      expect((await api('/readyz')).status).toBe(200);
      const first = await uploadPart(serve.url, parts[0] ?? '');
      expect(first.status).toBe(202);

      // The chain is under way (validating the first batch): the server dies.
      await pg.kill();
      const down = await eventually('readiness to fail', async () => {
        const ready = await api<{ status: string; reason: string }>('/readyz');
        return ready.status === 503 ? ready : undefined;
      });
      expect(down.body).toEqual({
        status: 'unavailable',
        reason: expect.stringMatching(/^the database does not answer: /),
      });
      const refused = await uploadPart(serve.url, parts[1] ?? '');
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe('5');
      expect(refused.body.error).toMatch(/^the database is unavailable/);
      expect(refused.body.error).not.toContain(String(pg.port));
      // Alive and answering what needs no database.
      expect((await api('/healthz')).status).toBe(200);
      expect(serve.child.exitCode).toBeNull();

      await pg.restart();
      await eventually('readiness again', async () =>
        (await api('/readyz')).status === 200 ? true : undefined,
      );
      const again = await uploadPart(serve.url, parts[1] ?? '');
      expect(again.status).toBe(202);
      const third = await uploadPart(serve.url, parts[2] ?? '');
      expect(third.status).toBe(202);

      const summary = await faultSummary(serve.url, 3);
      expect(comparable(summary)).toEqual(comparable(await cleanSummary(parts)));
      // Nothing twice: three batches, each validated once into the one experiment.
      const experiment = await api<{ batch_count: number }>(`/v1/experiments/${faultExperiment}`);
      expect(experiment.body.batch_count).toBe(3);
      for (const batch of [first, again, third]) {
        const status = await api<{ status: string }>(`/v1/batches/${batch.body.batch_id}`);
        expect(status.body.status).toBe('validated');
      }
      expect(serve.child.exitCode).toBeNull();
      expect(await serve.stop('SIGTERM')).toBe(0);
    }, 300_000);
  },
);
