/**
 * `abtest serve` end to end over HTTP: token, upload, poll, summary, PDF and CSV, a signed
 * webhook at a local receiver; a SIGKILL in the middle of the chain and a restart reach the
 * same summary as a clean run; every message delivered three times in shuffled order
 * (ABTEST_BUS_REDELIVER=3) changes nothing; SIGTERM stops cleanly; an interrupted upload sent
 * again with its Idempotency-Key finishes.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentResult } from '../../shared/result/result-document.ts';
import { signedDeliveries, startReceiver } from '../support/webhook-receiver.ts';
import {
  client,
  eventually,
  finalSummary,
  startServe,
  type ServeProcess,
} from './serve-process.ts';
import { eventParts } from '../support/event-parts.ts';
import { withoutLookHistory } from '../support/without-look-history.ts';

const token = 'serve-test-token-0123456789abcdef';
const experimentId = 'checkout-redesign';
let dir: string;
let parts: string[];
const running: ServeProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-serve-'));
  parts = await eventParts(dir, { users: 1500, seed: 4242 });
});

afterAll(async () => {
  for (const serve of running) await serve.stop('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function serve(name: string, env: Record<string, string> = {}, args: string[] = []) {
  const started = await startServe(path.join(dir, name), { ABTEST_API_TOKEN: token, ...env }, args);
  running.push(started);
  return started;
}

/** Uploads the three parts, each with its own Idempotency-Key; returns their batch ids. */
async function uploadParts(url: string): Promise<string[]> {
  const api = client(url, token);
  const ids: string[] = [];
  for (const part of parts) {
    const response = await api<{ batch_id: string }>('/v1/ingest/events', {
      method: 'POST',
      body: await readFile(part, 'utf8'),
      headers: { 'content-type': 'text/csv', 'idempotency-key': path.basename(part) },
    });
    expect([200, 202]).toContain(response.status);
    ids.push(response.body.batch_id);
  }
  return ids;
}

/** Removes the push subscriptions `abtest serve --bus pubsub` made on the emulator. */
async function deletePushSubscriptions(): Promise<void> {
  const { PubSub } = await import('@google-cloud/pubsub');
  const pubsub = new PubSub({ projectId: 'abtest-local' });
  const [subscriptions] = await pubsub.getSubscriptions();
  for (const subscription of subscriptions) {
    if (subscription.name.includes('/subscriptions/abtest-serve-')) await subscription.delete();
  }
  await pubsub.close();
}

function comparable(summary: ExperimentResult) {
  const { computed_at: _at, report: _report, provenance, ...rest } = summary;
  // The fingerprint, the analysis id and the inputs must agree; only the clock may not.
  return {
    ...withoutLookHistory(rest),
    provenance: provenance && { ...provenance, computed_at: null },
  };
}

let clean: ExperimentResult;

describe('abtest serve', () => {
  it('runs the chain over HTTP: upload, poll, summary, PDF and CSV, a signed webhook', async () => {
    const receiver = await startReceiver();

    const server = await serve('clean', { ABTEST_WEBHOOK_ALLOW_PRIVATE: 'true' });
    const api = client(server.url, token);
    expect(
      (
        await api('/v1/experiments', {
          headers: { authorization: 'Bearer wrong-token-0123456789' },
        })
      ).status,
    ).toBe(401);
    const registered = await api<{ secret: string }>('/v1/webhooks', {
      method: 'POST',
      body: JSON.stringify({ url: receiver.url, experiment_id: experimentId }),
      headers: { 'content-type': 'application/json' },
    });
    expect(registered.status).toBe(201);
    const secret = registered.body.secret;

    const batchIds = await uploadParts(server.url);
    const batch = await eventually('the first batch validated', async () => {
      const status = await api<{ status: string; accepted: number }>(`/v1/batches/${batchIds[0]}`);
      return status.body.status === 'validated' ? status.body : undefined;
    });
    expect(batch.accepted).toBeGreaterThan(1000);
    clean = await finalSummary(server.url, token, experimentId, 3);
    expect(clean.data.users).toBeGreaterThan(1400);

    const pdf = await api(`/v1/experiments/${experimentId}/report?format=pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdfFile = path.join(dir, 'report.pdf');
    await writeFile(pdfFile, pdf.bytes);
    const { stdout: text } = await promisify(execFile)('pdftotext', [pdfFile, '-']);
    expect(text).toContain(`Experiment id: ${experimentId}`);
    expect(text).toContain(clean.analysis_id);
    const csv = await api<string>(
      `/v1/experiments/${experimentId}/reports/${clean.analysis_id}.csv`,
    );
    expect(csv.status).toBe(200);
    expect(csv.body.split('\r\n')[0]).toMatch(/^# abtest_version=\S+ analysis_id=an_/);
    expect(csv.body.split('\r\n')[1]).toMatch(/^metric,type,variant,is_control,users/);

    const seen = () => signedDeliveries(receiver.received, secret);
    const hooks = await eventually('both webhooks', async () =>
      seen().some((r) => r.event === 'report.ready' && r.analysisId === clean.analysis_id)
        ? seen()
        : undefined,
    );
    expect(
      hooks.filter((r) => r.analysisId === clean.analysis_id).map((r) => [r.event, r.valid]),
    ).toEqual(
      expect.arrayContaining([
        ['analysis.completed', true],
        ['report.ready', true],
      ]),
    );
    expect(hooks.every((r) => r.valid)).toBe(true);
    await receiver.close();

    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.log()).toMatch(/"message":"stopping","signal":"SIGTERM"/);
  });

  it('reaches the same summary after a SIGKILL in the middle of the chain and a restart', async () => {
    const first = await serve('killed');
    const batchIds = await uploadParts(first.url);
    // The uploads are answered; validation and analysis are under way. Kill it there.
    await eventually('the chain under way', async () => {
      const status = await client(
        first.url,
        token,
      )<{ status: string }>(`/v1/batches/${batchIds[0]}`);
      return status.body.status === 'validated' ? true : undefined;
    });
    await first.stop('SIGKILL');
    const second = await serve('killed');
    const summary = await finalSummary(second.url, token, experimentId, 3);
    expect(comparable(summary)).toEqual(comparable(clean));
    for (const id of batchIds) {
      const status = await client(second.url, token)<{ status: string }>(`/v1/batches/${id}`);
      expect(status.body.status).toBe('validated');
    }
    await second.stop('SIGTERM');
  });

  it('gives the same results when every message is delivered three times, shuffled', async () => {
    const server = await serve('redelivered', { ABTEST_BUS_REDELIVER: '3' });
    await uploadParts(server.url);
    const summary = await finalSummary(server.url, token, experimentId, 3);
    expect(comparable(summary)).toEqual(comparable(clean));
    await server.stop('SIGTERM');
  });

  const emulator = process.env.PUBSUB_EMULATOR_HOST;
  it.skipIf(emulator === undefined)(
    `runs the same chain over the Pub/Sub emulator with push subscriptions${emulator === undefined ? ' (skipped: PUBSUB_EMULATOR_HOST not set)' : ''}`,
    async () => {
      const server = await serve('pubsub', { GOOGLE_CLOUD_PROJECT: 'abtest-local' }, [
        '--bus',
        'pubsub',
      ]);
      try {
        expect(server.log()).toMatch(/\(bus: pubsub\)/);
        await uploadParts(server.url);
        const summary = await finalSummary(server.url, token, experimentId, 3);
        expect(comparable(summary)).toEqual(comparable(clean));
        expect(await server.stop('SIGTERM')).toBe(0);
      } finally {
        await deletePushSubscriptions();
      }
    },
  );

  it('finishes an interrupted upload sent again with the same Idempotency-Key', async () => {
    const server = await serve('interrupted');
    const body = await readFile(parts[0] ?? '', 'utf8');
    const { port, hostname } = new URL(server.url);
    await new Promise<void>((resolve) => {
      const half = request({
        host: hostname,
        port,
        path: '/v1/ingest/events',
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'text/csv',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': 'upload-1',
        },
      });
      half.on('error', () => resolve());
      half.write(body.slice(0, Math.floor(body.length / 2)));
      setTimeout(() => {
        half.destroy();
        resolve();
      }, 300);
    });
    const again = await client(server.url, token)<{ batch_id: string }>('/v1/ingest/events', {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/csv', 'idempotency-key': 'upload-1' },
    });
    expect(again.status).toBe(202);
    const status = await eventually('the batch validated', async () => {
      const batch = await client(
        server.url,
        token,
      )<{ status: string }>(`/v1/batches/${again.body.batch_id}`);
      return batch.body.status === 'validated' ? batch.body : undefined;
    });
    expect(status.status).toBe('validated');
    await server.stop('SIGTERM');
  });
});
