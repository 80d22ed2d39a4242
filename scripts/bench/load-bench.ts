/**
 * The load benchmark of `abtest serve` (issue "abtest serve"): 8 concurrent clients post 240
 * NDJSON batches of 1,000 events over loopback while the chain runs. Measured: events accepted
 * per second (202 answered, the batch durably stored), the 99th percentile of request latency,
 * and how long after the last upload the analysis counts every user and purchase, checked
 * against `abtest run` on the same events in one file. The clients are plain `node:http`
 * requests on kept-alive connections with the bodies encoded beforehand: on a 2-core machine
 * the load generator shares the CPU with the server, and `fetch` costs it about twice as much
 * per request.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  emptyTruth,
  generateEvents,
  generatedColumns,
} from '../../shared/generate/generate-events.ts';
import { measureProcess } from './measure-process.ts';
import { bin, cache, listening, percentile, timedRequests, token } from './bench-setup.ts';

/** What the load test found. */
export interface LoadResult {
  readonly events: number;
  readonly accepted_events_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly analysed_within_s: number;
  readonly users: number;
  readonly conversions: number;
}

/**
 * Runs the load test.
 * @param batches - how many batches
 * @param rowsPerBatch - events per batch
 * @param clients - concurrent clients
 * @returns the figures
 */
export async function loadBench(
  batches = 240,
  rowsPerBatch = 1000,
  clients = 8,
): Promise<LoadResult> {
  const bodies = ndjsonBatches(batches, rowsPerBatch).map((body) => Buffer.from(body));
  await mkdir(cache, { recursive: true });
  const whole = path.join(cache, 'load-events.ndjson');
  await writeFile(whole, Buffer.concat(bodies));
  const referenceDir = path.join(cache, 'load-reference');
  await rm(referenceDir, { recursive: true, force: true });
  const reference = await measureProcess(
    process.execPath,
    [bin, 'run', whole, '--json', '--data-dir', referenceDir],
    { LOG_LEVEL: 'warning' },
  );
  const expected = experimentCounts(JSON.parse(reference.stdout) as Document);

  const dataDir = path.join(cache, 'load-serve');
  await rm(dataDir, { recursive: true, force: true });
  const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, ABTEST_API_TOKEN: token, LOG_LEVEL: 'warning' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const url = await listening(server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
    const started = performance.now();
    const latencies = await timedRequests(bodies.length, clients, async (index) => {
      const status = await post(agent, `${url}/v1/ingest/events`, bodies[index] as Buffer, {
        authorization: `Bearer ${token}`,
        'content-type': 'application/x-ndjson',
        'idempotency-key': `load-${index}`,
      });
      if (status !== 202) throw new Error(`batch ${index}: HTTP ${status}`);
    });
    const uploaded = performance.now();
    const events = batches * rowsPerBatch;
    let seen = { users: 0, conversions: 0 };
    for (;;) {
      const response = await fetch(`${url}/v1/experiments/checkout-redesign/summary`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (response.status === 200) {
        seen = experimentCounts({ experiments: [(await response.json()) as Experiment] });
        if (seen.users === expected.users && seen.conversions === expected.conversions) break;
      } else await response.arrayBuffer();
      if (performance.now() - uploaded > 300_000)
        throw new Error(`analysis incomplete after 300 s: ${JSON.stringify(seen)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const analysed = performance.now();
    agent.destroy();
    return {
      events,
      accepted_events_per_s: Math.round(events / ((uploaded - started) / 1000)),
      p50_ms: Number(percentile(latencies, 0.5).toFixed(1)),
      p99_ms: Number(percentile(latencies, 0.99).toFixed(1)),
      analysed_within_s: Number(((analysed - uploaded) / 1000).toFixed(1)),
      users: seen.users,
      conversions: seen.conversions,
    };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

/** Posts a body and resolves with the status once the response has been read. */
function post(
  agent: http.Agent,
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

interface Experiment {
  readonly data: { readonly users: number };
  readonly metrics: readonly {
    readonly name: string;
    readonly variants: readonly { readonly sum: number }[];
  }[];
}
interface Document {
  readonly experiments: readonly Experiment[];
}

function experimentCounts(document: Document) {
  const experiment = document.experiments[0];
  const conversion = experiment?.metrics.find((metric) => metric.name === 'conversion');
  return {
    users: experiment?.data.users ?? 0,
    conversions: conversion?.variants.reduce((sum, variant) => sum + variant.sum, 0) ?? 0,
  };
}

/** The first batches × rows generated events, as NDJSON bodies. */
function ndjsonBatches(batches: number, rows: number): string[] {
  const options = { users: Math.ceil((batches * rows) / 4), seed: 7 };
  const bodies: string[] = [];
  let body = '';
  let count = 0;
  for (const row of generateEvents(options, emptyTruth(options))) {
    const record: Record<string, string | number | null> = {};
    generatedColumns.forEach((name, i) => {
      const cell = row[i] ?? '';
      record[name] = cell === '' ? null : name === 'value' ? Number(cell) : cell;
    });
    body += `${JSON.stringify(record)}\n`;
    count += 1;
    if (count % rows === 0) {
      bodies.push(body);
      body = '';
      if (bodies.length === batches) break;
    }
  }
  return bodies;
}
