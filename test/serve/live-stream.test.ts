/**
 * `GET /v1/stream` under `abtest serve` (a child process, as a user starts it): the stream
 * stays silent longer than ABTEST_HTTP_REQUEST_TIMEOUT_SECONDS (which closes silent sockets)
 * and is still open to carry the next batch and analysis, and SIGTERM ends it so the server
 * stops instead of waiting on it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startServe, type ServeProcess } from './serve-process.ts';

const token = 'live-stream-token-0123456789abcdef';
let dir: string;
let serve: ServeProcess;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-live-stream-'));
  serve = await startServe(dir, {
    ABTEST_API_TOKEN: token,
    ABTEST_HTTP_HEADERS_TIMEOUT_SECONDS: '1',
    ABTEST_HTTP_REQUEST_TIMEOUT_SECONDS: '2',
    ABTEST_TICK_SECONDS: '3600',
  });
}, 60_000);

afterAll(async () => {
  await serve?.stop('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('the live stream under abtest serve', () => {
  it('stays open past the request timeout, carries what happens, and ends on SIGTERM', async () => {
    const opened = Date.now();
    const response = await fetch(`${serve.url}/v1/stream?experiment_id=live-serve`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('no body');
    let text = '';
    let closed = false;
    const decoder = new TextDecoder();
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      closed = true;
    })();

    const upload = async (user: string) => {
      const csv = [
        'user_id,experiment_id,variant,event_type,timestamp,value',
        `${user}-c,live-serve,control,exposure,2026-01-05T10:00:00Z,`,
        `${user}-t,live-serve,treatment,exposure,2026-01-05T10:00:00Z,`,
        `${user}-t,live-serve,treatment,purchase,2026-01-05T10:05:00Z,20`,
      ].join('\n');
      const answer = await fetch(`${serve.url}/v1/ingest/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: `${csv}\n`,
      });
      expect(answer.status).toBe(202);
    };
    const count = (event: string) => text.split(`event: ${event}\n`).length - 1;
    await upload('a');
    await eventually('the batch and its analysis on the stream', async () =>
      count('batch.validated') === 1 && count('analysis.completed') === 1 ? true : undefined,
    );
    // Silent for longer than the 2 s request timeout (no tick for an hour, no heartbeat yet).
    let seen = text.length;
    let quietSince = Date.now();
    await eventually('3 s of silence on the stream', async () => {
      if (text.length !== seen) {
        seen = text.length;
        quietSince = Date.now();
      }
      return Date.now() - quietSince > 3000 ? true : undefined;
    });
    expect(closed).toBe(false);
    await upload('b');
    await eventually('the second batch and analysis on the same stream', async () =>
      count('batch.validated') === 2 && count('analysis.completed') === 2 ? true : undefined,
    );
    expect(Date.now() - opened).toBeGreaterThan(3000);
    expect(text).toMatch(/^retry: 3000\n/);
    expect(text).toMatch(
      /id: \d+\nevent: analysis\.completed\ndata: \{"experiment_id":"live-serve"/,
    );

    expect(await serve.stop('SIGTERM')).toBe(0);
    await reading;
    expect(closed).toBe(true);
  }, 120_000);
});
