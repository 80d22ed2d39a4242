/**
 * No webhook receiver can slow an analysis: with a receiver that never answers registered for
 * one experiment, that experiment and an unrelated one are both analysed, modelled and
 * reported while the receiver's first delivery is still waiting for its answer. (Before
 * deliveries left the chain, analyze and report waited for every receiver, 3 x 10 s each, one
 * delivery at a time.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyTruth, generateEvents } from '../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../shared/generate/write-generated-file.ts';
import { ingestCsvFile } from '../support/ingest-csv-file.ts';
import { createWebhook, deleteWebhook } from '../../shared/webhooks/webhook-records.ts';
import { openLocalStack, type LocalStack } from '../support/local-stack.ts';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

let stack: LocalStack;
let hanging: WebhookReceiver;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-off-chain-'));
  stack = await openLocalStack(
    { ABTEST_WEBHOOK_ALLOW_PRIVATE: 'true', ABTEST_WEBHOOK_TIMEOUT_SECONDS: '300' },
    { chain: true },
  );
  hanging = await startReceiver(() => 'hang');
});

afterAll(async () => {
  await hanging.close();
  await stack.close();
  await rm(dir, { recursive: true, force: true });
});

async function upload(experimentId: string, seed: number): Promise<void> {
  const file = path.join(dir, `${experimentId}.csv`);
  const options = { users: 400, seed, experimentId };
  await writeGeneratedFile(file, 'csv', generateEvents(options, emptyTruth(options)));
  await ingestCsvFile(stack.deps, file);
}

describe('a receiver that never answers', () => {
  it('delays no analysis or report, its own experiment’s or another’s', async () => {
    const db = stack.deps.db;
    const webhook = await createWebhook(db, {
      url: hanging.url,
      experiment_id: 'slow-receiver',
      events: ['analysis.completed', 'report.ready'],
    });
    await upload('slow-receiver', 11);
    await upload('unrelated', 12);

    const reported = async () =>
      (
        await db.query<{ experiment_id: string }>(
          'SELECT experiment_id FROM reports ORDER BY experiment_id',
        )
      ).rows.map((row) => row.experiment_id);
    while ((await reported()).length < 2) await new Promise((r) => setTimeout(r, 100));
    expect(await reported()).toEqual(['slow-receiver', 'unrelated']);

    // Both reports exist while the receiver still holds the first delivery's only attempt.
    const deliveries = await db.query<{ event: string; status: string; attempts: number }>(
      'SELECT event, status, attempts FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY event',
      [webhook.webhook_id],
    );
    expect(deliveries.rows[0]).toEqual({
      event: 'analysis.completed',
      status: 'delivering',
      attempts: 1,
    });
    expect(deliveries.rows.map((row) => row.event)).toEqual(['analysis.completed', 'report.ready']);
    expect(hanging.received.length).toBeGreaterThanOrEqual(1);

    // Let the hanging deliveries end: the webhook goes, the receiver drops its connections.
    await deleteWebhook(db, webhook.webhook_id);
    await hanging.close();
    await stack.deps.bus.idle();
    const ended = await db.query<{ status: string }>(
      'SELECT DISTINCT status FROM webhook_deliveries WHERE webhook_id = $1',
      [webhook.webhook_id],
    );
    expect(ended.rows).toEqual([{ status: 'failed' }]);
  });
});
