/**
 * The chain through the deployed functions' own entry points, as GCP runs it: an upload to the
 * ingest function over HTTP, each stage handed the Pub/Sub CloudEvent of the message before it,
 * then the results function: the summary, the PDF (its text read back with pdftotext) and the
 * CSV downloaded, and the webhooks received by a local receiver with valid signatures. Every
 * HTTP answer is checked against the OpenAPI document.
 */
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFunction, getTestServer } from '@google-cloud/functions-framework/testing';
import '../../functions/ingest/index.ts';
import '../../functions/validate/index.ts';
import '../../functions/analyze/index.ts';
import '../../functions/train/index.ts';
import '../../functions/report/index.ts';
import '../../functions/results/index.ts';
import '../../functions/webhooks/index.ts';
import { useStageDeps } from '../../shared/runtime/function-runtime.ts';
import type { ExperimentResult } from '../../shared/result/result-document.ts';
import { checkResponse } from '../shared/http/openapi-contract.ts';
import { outboxEvents } from '../support/cloud-events.ts';
import { openLocalStack, type LocalStack } from '../support/local-stack.ts';
import {
  signedDeliveries,
  startReceiver,
  type WebhookReceiver,
} from '../support/webhook-receiver.ts';

const token = 'end-to-end-token-0123456789abcdef';
const auth = { authorization: `Bearer ${token}` };
let stack: LocalStack;
const servers: Server[] = [];
const receivers: WebhookReceiver[] = [];

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Hands a stage the CloudEvents of every outbox message of a topic (as Pub/Sub would). */
async function deliver(functionName: string, topic: string): Promise<void> {
  const handler = getFunction(functionName) as (event: unknown) => Promise<void>;
  for (const event of await outboxEvents(stack.deps.db, topic)) await handler(event);
}

beforeAll(async () => {
  stack = await openLocalStack({ ABTEST_API_TOKEN: token, ABTEST_WEBHOOK_ALLOW_PRIVATE: 'true' });
  useStageDeps(stack.deps);
});

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  for (const receiver of receivers) await receiver.close();
  await stack.close();
});

describe('the functions, end to end', () => {
  it('take an upload to a report and signed webhooks', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const ingest = await listen(getTestServer('ingest'));
    const results = await listen(getTestServer('results'));

    const registered = await checkResponse<{ secret: string }>(
      await fetch(`${results}/v1/webhooks`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, experiment_id: 'checkout-redesign' }),
      }),
      'POST',
    );
    expect(registered.status).toBe(201);
    const secret = registered.body.secret;

    const form = new FormData();
    const sample = await readFile(path.resolve('datasets/events-sample.csv'));
    form.append('file', new Blob([sample], { type: 'text/csv' }), 'events-sample.csv');
    const upload = await checkResponse<{ batch_id: string }>(
      await fetch(`${ingest}/v1/ingest/events`, { method: 'POST', body: form, headers: auth }),
      'POST',
    );
    expect(upload.status).toBe(202);

    await deliver('validate', 'abtest.batch.received');
    await deliver('analyze', 'abtest.batch.validated');
    await deliver('train', 'abtest.analysis.completed');
    await deliver('report', 'abtest.model.trained');
    await deliver('webhooks', 'abtest.webhook.delivery');

    const summary = await checkResponse<ExperimentResult>(
      await fetch(`${results}/v1/experiments/checkout-redesign/summary`, { headers: auth }),
      'GET',
    );
    expect(summary.status).toBe(200);
    expect(summary.body.data.users).toBe(2993);
    expect(summary.body.models.map((model) => model.metric)).toEqual(['conversion', 'revenue']);
    expect(summary.body.report).not.toBeNull();
    const analysisId = summary.body.analysis_id;

    const pdf = await checkResponse(
      await fetch(`${results}/v1/experiments/checkout-redesign/reports/${analysisId}.pdf`, {
        headers: auth,
      }),
      'GET',
    );
    expect(pdf.status).toBe(200);
    const pdfFile = path.join(stack.dataDir, 'downloaded.pdf');
    await writeFile(pdfFile, pdf.bytes);
    const { stdout: text } = await promisify(execFile)('pdftotext', ['-layout', pdfFile, '-']);
    expect(text).toContain('Experiment id: checkout-redesign');
    expect(text).toContain(analysisId);
    expect(text).toMatch(/p-value/);

    const csv = await checkResponse<string>(
      await fetch(`${results}/v1/experiments/checkout-redesign/report?format=csv`, {
        headers: auth,
      }),
      'GET',
    );
    expect(csv.status).toBe(200);
    const rows = csv.body.trimEnd().split('\r\n');
    expect(rows).toHaveLength(2 + 2 * 2);
    expect(rows[0]).toContain(`analysis_id=${analysisId} fingerprint=`);
    expect(rows[0]).toContain(`fingerprint=${summary.body.provenance?.fingerprint} `);
    expect(rows[2]).toMatch(/^conversion,binomial,control,true,1509,99,/);

    const received = signedDeliveries(receiver.received, secret);
    expect(
      received
        .filter((r) => r.analysisId === analysisId)
        .map((r) => [r.event, r.valid])
        .sort(),
    ).toEqual([
      ['analysis.completed', true],
      ['report.ready', true],
    ]);
  });
});
