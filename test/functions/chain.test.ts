/**
 * validate, analyze, train and report through functions-framework with real Pub/Sub
 * CloudEvents made from the outbox: each stage does its work once, and the same message
 * delivered twice changes nothing.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFunction, getTestServer } from '@google-cloud/functions-framework/testing';
import '../../functions/validate/index.ts';
import '../../functions/analyze/index.ts';
import '../../functions/train/index.ts';
import '../../functions/report/index.ts';
import { useStageDeps } from '../../shared/runtime/function-runtime.ts';
import { ingestCsvFile } from '../support/ingest-csv-file.ts';
import { emptyTruth, generateEvents } from '../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../shared/generate/write-generated-file.ts';
import { openLocalStack, type LocalStack } from '../support/local-stack.ts';
import { outboxEvents, pubSubCloudEvent } from '../support/cloud-events.ts';
import path from 'node:path';

type Handler = (event: unknown) => Promise<void>;
const fn = (name: string) => getFunction(name) as Handler;

let stack: LocalStack;

/** Every row of the tables a stage writes, to compare before and after a redelivery. */
async function snapshot(): Promise<string> {
  const tables = [
    'ingest_batches',
    'batch_experiments',
    'analyses',
    'analysis_runs',
    'models',
    'reports',
    'outbox_messages',
    'rejected_messages',
  ];
  const parts: unknown[] = [];
  for (const table of tables) {
    const rows = await stack.deps.db.query(`SELECT * FROM ${table}`);
    parts.push(
      rows.rows
        .map((row) =>
          JSON.stringify(row, (key, value) => (key === 'updated_at' ? undefined : value)),
        )
        .sort(),
    );
  }
  return JSON.stringify(parts);
}

beforeAll(async () => {
  stack = await openLocalStack();
  useStageDeps(stack.deps);
  const file = path.join(stack.dataDir, 'events.csv');
  const options = { users: 1500, seed: 11 };
  await writeGeneratedFile(file, 'csv', generateEvents(options, emptyTruth(options)));
  await ingestCsvFile(stack.deps, file);
});

afterAll(async () => {
  await stack.close();
});

describe('the chain, one CloudEvent at a time', () => {
  it('validate curates the batch once; a second delivery changes nothing', async () => {
    const [event] = await outboxEvents(stack.deps.db, 'abtest.batch.received');
    await fn('validate')(event);
    const batch = await stack.deps.db.query<{ status: string; accepted: number }>(
      'SELECT status, accepted FROM ingest_batches',
    );
    expect(batch.rows[0]?.status).toBe('validated');
    expect(batch.rows[0]?.accepted).toBeGreaterThan(6000);
    const curated = await stack.deps.blobs.list('curated', 'events/');
    expect(curated).toEqual([
      expect.stringMatching(
        /^events\/experiment_id=checkout-redesign\/batch_id=b_[0-9a-f]{24}\.parquet$/,
      ),
    ]);
    const before = await snapshot();
    const bytes = await readFile(await stack.deps.blobs.localFile('curated', curated[0] ?? ''));
    await fn('validate')(event);
    expect(await snapshot()).toBe(before);
    expect(await readFile(await stack.deps.blobs.localFile('curated', curated[0] ?? ''))).toEqual(
      bytes,
    );
  });

  it('analyze stores one analysis; a second delivery records nothing new', async () => {
    const [event] = await outboxEvents(stack.deps.db, 'abtest.batch.validated');
    await fn('analyze')(event);
    const analyses = await stack.deps.db.query<{ analysis_id: string }>(
      'SELECT analysis_id FROM analyses',
    );
    expect(analyses.rows).toHaveLength(1);
    const before = await snapshot();
    await fn('analyze')(event);
    expect(await snapshot()).toBe(before);
  });

  it('train stores one model per metric; a second delivery changes nothing', async () => {
    const [event] = await outboxEvents(stack.deps.db, 'abtest.analysis.completed');
    await fn('train')(event);
    const models = await stack.deps.db.query<{ metric: string }>(
      'SELECT metric FROM models ORDER BY metric',
    );
    expect(models.rows.map((row) => row.metric)).toEqual(['conversion', 'revenue']);
    const before = await snapshot();
    await fn('train')(event);
    expect(await snapshot()).toBe(before);
  });

  it('report takes model.trained; a second delivery changes nothing', async () => {
    const [event] = await outboxEvents(stack.deps.db, 'abtest.model.trained');
    await fn('report')(event);
    const before = await snapshot();
    await fn('report')(event);
    expect(await snapshot()).toBe(before);
  });

  it('a rerun with no new data finds the same analysis and records the run as unchanged', async () => {
    await fn('analyze')(pubSubCloudEvent('abtest.rerun', { version: 1 }, 'rerun-1'));
    const runs = await stack.deps.db.query<{ trigger: string; outcome: string }>(
      `SELECT trigger, outcome FROM analysis_runs ORDER BY run_id`,
    );
    expect(runs.rows).toEqual([
      { trigger: 'batch', outcome: 'new' },
      { trigger: 'rerun', outcome: 'unchanged' },
    ]);
    expect((await stack.deps.db.query('SELECT 1 FROM analyses')).rows).toHaveLength(1);
  });

  it.each([
    [
      'not JSON',
      'validate',
      'abtest.batch.received',
      'not json',
      /malformed abtest.batch.received message/,
    ],
    [
      'a wrong version',
      'validate',
      'abtest.batch.received',
      { version: 2, batch_id: 'b_1' },
      /version/,
    ],
    [
      'an unknown batch',
      'validate',
      'abtest.batch.received',
      { version: 1, batch_id: 'b_000000000000000000000000' },
      /unknown batch/,
    ],
    [
      'an unknown analysis',
      'train',
      'abtest.analysis.completed',
      { version: 1, experiment_id: 'x', analysis_id: 'an_1' },
      /unknown analysis/,
    ],
  ])('acknowledges and records a message with %s', async (_case, name, topic, payload, reason) => {
    const id = `bad-${_case}`;
    await expect(fn(name)(pubSubCloudEvent(topic, payload, id))).resolves.toBeUndefined();
    await fn(name)(pubSubCloudEvent(topic, payload, id));
    const rows = await stack.deps.db.query<{ reason: string }>(
      'SELECT reason FROM rejected_messages WHERE message_id = $1',
      [id],
    );
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]?.reason).toMatch(reason);
  });
});

describe('a raw Pub/Sub push body over HTTP', () => {
  let server: Server;
  beforeAll(async () => {
    server = getTestServer('validate');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('is accepted the way a push subscription delivers it, and answers 2xx', async () => {
    const port = (server.address() as AddressInfo).port;
    const data = Buffer.from(
      JSON.stringify({ version: 1, batch_id: 'b_111111111111111111111111' }),
    ).toString('base64');
    const response = await fetch(
      `http://127.0.0.1:${port}/projects/abtest-local/topics/abtest.batch.received`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          message: { data, messageId: 'push-1', attributes: {} },
          subscription: 'projects/abtest-local/subscriptions/validate',
        }),
      },
    );
    expect(response.status).toBeLessThan(300);
    const rows = await stack.deps.db.query<{ reason: string }>(
      `SELECT reason FROM rejected_messages WHERE message_id = 'push-1'`,
    );
    expect(rows.rows[0]?.reason).toMatch(/unknown batch b_111111111111111111111111/);
  });
});
