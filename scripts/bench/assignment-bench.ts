/**
 * Assignments per second: in process (a compiled assigner over two million distinct user ids,
 * a tenth of them non-ASCII) and over HTTP on loopback (`abtest serve` in its own process,
 * clients posting `POST /v1/assignments/bulk` of 10,000 users on kept-alive connections, the
 * bodies encoded beforehand and the answers read but not parsed). Reported: throughput, the
 * 99th percentile of latency (per assignment in process, per request over HTTP), and the
 * server's CPU time per million assignments, read from /proc, to say what bounds it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { compileAssigner } from '../../shared/assignment/variant-assigner.ts';
import { bin, cache, listening, percentile, timedRequests, token } from './bench-setup.ts';

/** What the in-process case found. */
export interface InProcessResult {
  readonly assignments: number;
  readonly assignments_per_s: number;
  /** The 99th percentile of one assignment's time, from blocks of 1,000. */
  readonly p99_ns: number;
}

/** What the HTTP case found. */
export interface HttpResult {
  readonly requests: number;
  readonly assignments: number;
  readonly assignments_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  /** The server's user + system CPU seconds per million assignments. */
  readonly server_cpu_s_per_million: number;
}

function userIds(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) =>
    (i + offset) % 10 === 0 ? `用户-${i + offset}-é` : `user-${i + offset}`,
  );
}

/**
 * Assigns users in process.
 * @param count - distinct user ids
 * @param rounds - passes over them (the best is reported)
 * @returns the figures
 */
export function inProcessBench(count = 2_000_000, rounds = 5): InProcessResult {
  const ids = userIds(count);
  const assigner = compileAssigner({ salt: 'bench', allocation: 0.9, weights: [50, 50] });
  let checksum = 0;
  for (const id of ids.slice(0, 100_000)) checksum += assigner.variantOf(assigner.bucketOf(id));
  let best = Infinity;
  const blocks: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    for (let at = 0; at < ids.length; at += 1000) {
      const blockStart = performance.now();
      const end = Math.min(ids.length, at + 1000);
      for (let i = at; i < end; i += 1) {
        checksum += assigner.variantOf(assigner.bucketOf(ids[i] as string));
      }
      blocks.push(((performance.now() - blockStart) * 1e6) / (end - at));
    }
    best = Math.min(best, performance.now() - started);
  }
  if (checksum === 0) throw new Error('no user was assigned');
  blocks.sort((a, b) => a - b);
  return {
    assignments: count,
    assignments_per_s: Math.round(count / (best / 1000)),
    p99_ns: Math.round(percentile(blocks, 0.99)),
  };
}

/**
 * Assigns users over HTTP with the bulk route.
 * @param requests - bulk requests sent
 * @param usersPerRequest - users per request
 * @param clients - concurrent connections
 * @returns the figures
 */
export async function httpBench(
  requests = 200,
  usersPerRequest = 10_000,
  clients = 2,
): Promise<HttpResult> {
  const dataDir = path.join(cache, 'assignment-serve');
  await mkdir(cache, { recursive: true });
  await rm(dataDir, { recursive: true, force: true });
  const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: {
      ...process.env,
      ABTEST_API_TOKEN: token,
      ABTEST_RATE_LIMIT_REQUESTS: '0',
      LOG_LEVEL: 'warning',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const url = await listening(server);
    await api(url, 'POST', '/v1/experiments', {
      id: 'bench-assign',
      variants: [
        { key: 'control', weight: 50, control: true, config: { pages: 2 } },
        { key: 'one_page', weight: 50, config: { pages: 1 } },
      ],
      traffic_allocation: 0.9,
    });
    await api(url, 'PUT', '/v1/experiments/bench-assign/status', { status: 'running' });
    const bodies = Array.from({ length: requests }, (_, r) =>
      Buffer.from(
        JSON.stringify({
          experiment_id: 'bench-assign',
          user_ids: userIds(usersPerRequest, r * usersPerRequest),
        }),
      ),
    );
    const check = JSON.parse((await post(new http.Agent(), url, bodies[0] as Buffer)).text) as {
      assignments: { variant: string | null }[];
    };
    if (check.assignments.length !== usersPerRequest) throw new Error('short bulk answer');
    const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
    const cpuBefore = cpuSeconds(server.pid);
    const started = performance.now();
    const latencies = await timedRequests(bodies.length, clients, async (index) => {
      const { status } = await post(agent, url, bodies[index] as Buffer, false);
      if (status !== 200) throw new Error(`bulk request ${index}: HTTP ${status}`);
    });
    const elapsed = performance.now() - started;
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    agent.destroy();
    const assignments = requests * usersPerRequest;
    return {
      requests,
      assignments,
      assignments_per_s: Math.round(assignments / (elapsed / 1000)),
      p50_ms: Number(percentile(latencies, 0.5).toFixed(1)),
      p99_ms: Number(percentile(latencies, 0.99).toFixed(1)),
      server_cpu_s_per_million: Number(((cpu / assignments) * 1e6).toFixed(2)),
    };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

/** User + system CPU seconds of a process so far (Linux /proc). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function api(url: string, method: string, route: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
}

/** Posts a bulk body; reads the answer whole, keeping its text only when asked. */
function post(
  agent: http.Agent,
  url: string,
  body: Buffer,
  keep = true,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/v1/assignments/bulk`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': String(body.length),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          if (keep) chunks.push(chunk);
        });
        response.once('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}
