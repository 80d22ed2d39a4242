/**
 * `abtest serve` holds no socket for a slow or idle client: request headers must arrive within
 * ABTEST_HTTP_HEADERS_TIMEOUT_SECONDS, the whole request within
 * ABTEST_HTTP_REQUEST_TIMEOUT_SECONDS, an idle kept-alive connection is closed after
 * ABTEST_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS, and past ABTEST_HTTP_MAX_CONNECTIONS a new connection
 * is closed at once. The limits are short here so the tests are quick; none is timed: each
 * test waits for the server to act and fails on the vitest timeout if it never does.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  rawExchange,
  serverToken,
  startTestServer,
  type TestServer,
} from './local-stack-server.ts';

const request = (path: string, extra: readonly string[] = []) =>
  [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...extra, '', ''].join('\r\n');

describe('slow and idle clients', () => {
  let target: TestServer;

  beforeAll(async () => {
    target = await startTestServer({
      ABTEST_HTTP_HEADERS_TIMEOUT_SECONDS: '1',
      ABTEST_HTTP_REQUEST_TIMEOUT_SECONDS: '2',
      ABTEST_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '1',
    });
  });
  afterAll(() => target.close());

  it('closes a connection whose request headers never finish, with 408', async () => {
    const exchange = await rawExchange(target, (socket) => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    });
    expect(exchange.closedByServer).toBe(true);
    expect(exchange.response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection whose body trickles in past the request timeout', async () => {
    let timer: NodeJS.Timeout | undefined;
    const exchange = await rawExchange(target, (socket: Socket) => {
      socket.write(
        [
          'POST /v1/ingest/events HTTP/1.1',
          'Host: 127.0.0.1',
          `Authorization: Bearer ${serverToken}`,
          'Content-Type: text/csv',
          'Content-Length: 100000',
          '',
          'user_id,experiment_id,variant,event_type,timestamp\n',
        ].join('\r\n'),
      );
      // A byte now and then: never idle long, never done.
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write('u');
      }, 200);
    });
    clearInterval(timer);
    expect(exchange.closedByServer).toBe(true);
    expect(exchange.response).not.toMatch(/^HTTP\/1\.1 20/);
  });

  it('closes an idle kept-alive connection after answering on it', async () => {
    const exchange = await rawExchange(target, (socket) => socket.write(request('/healthz')));
    expect(exchange.response).toMatch(/^HTTP\/1\.1 200 /);
    expect(exchange.response).toMatch(/keep-alive: timeout=1/i);
    expect(exchange.closedByServer).toBe(true);
  });
});

describe('a cap on connections', () => {
  let target: TestServer;

  beforeAll(async () => {
    target = await startTestServer({
      ABTEST_HTTP_MAX_CONNECTIONS: '2',
      ABTEST_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '30',
    });
  });
  afterAll(() => target.close());

  it('closes a connection past the cap at once, and takes new ones when others close', async () => {
    const held = [await holdConnection(target), await holdConnection(target)];
    expect(held.map((connection) => connection.answer)).toEqual([
      expect.stringMatching(/^HTTP\/1\.1 200 /),
      expect.stringMatching(/^HTTP\/1\.1 200 /),
    ]);

    const third = await rawExchange(target, (socket) => socket.write(request('/healthz')));
    expect(third.closedByServer).toBe(true);
    expect(third.response).toBe('');

    for (const connection of held) connection.socket.destroy();
    // The server hears of the two closes on its own time: ask until it has room again.
    let again = '';
    while (!/^HTTP\/1\.1 200 /.test(again)) {
      again = (await rawExchange(target, (socket) => socket.write(request('/healthz')), true))
        .response;
    }
    expect(again).toMatch(/^HTTP\/1\.1 200 /);
  });
});

/** Opens a connection, asks once, and keeps it open (kept alive) once answered. */
function holdConnection(
  target: TestServer,
): Promise<{ readonly socket: Socket; readonly answer: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(target.port, target.host);
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (/\r\n\r\n/.test(answer)) resolve({ socket, answer });
    });
    socket.on('error', reject);
    socket.on('connect', () => socket.write(request('/healthz')));
  });
}
