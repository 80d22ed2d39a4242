/**
 * Uploads to `abtest serve` that must be answered at once and never hang: a chunked multipart
 * body past ABTEST_MAX_UPLOAD_BYTES (413, the socket freed while the client is still sending),
 * and multipart forms with more than one file or with fields around the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  rawExchange,
  serverToken,
  startTestServer,
  type TestServer,
} from './local-stack-server.ts';

const csv = [
  'user_id,experiment_id,variant,event_type,timestamp',
  'u1,exp1,control,exposure,2026-01-01T10:00:00Z',
  'u2,exp1,treatment,exposure,2026-01-01T10:00:00Z',
].join('\n');

let target: TestServer;

beforeAll(async () => {
  target = await startTestServer({ ABTEST_MAX_UPLOAD_BYTES: '4096' });
});

afterAll(async () => {
  await target.close();
});

const boundary = 'abtest-boundary-7d2f';

function part(name: string, content: string, fileName?: string): string {
  const disposition =
    fileName === undefined
      ? `form-data; name="${name}"`
      : `form-data; name="${name}"; filename="${fileName}"`;
  const type = fileName === undefined ? '' : 'Content-Type: text/csv\r\n';
  return `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n${content}\r\n`;
}

async function postForm(parts: readonly string[]) {
  const response = await fetch(`${target.server.url}/v1/ingest/events`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${serverToken}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    body: `${parts.join('')}--${boundary}--\r\n`,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a chunked upload past the limit', () => {
  it.each([
    ['multipart/form-data', `multipart/form-data; boundary=${boundary}`],
    ['text/csv', 'text/csv'],
  ])(
    '(%s) is answered 413 while the client still sends, its socket closed',
    async (_type, contentType) => {
      const line = `${'u,exp1,control,exposure,2026-01-01T10:00:00Z'.padEnd(1000, ' ')}\n`;
      let sent = 0;
      const exchange = await rawExchange(target, (socket) => {
        socket.write(
          [
            'POST /v1/ingest/events HTTP/1.1',
            `Host: ${target.host}`,
            `Authorization: Bearer ${serverToken}`,
            `Content-Type: ${contentType}`,
            'Transfer-Encoding: chunked',
            '',
            '',
          ].join('\r\n'),
        );
        const csvHead = 'user_id,experiment_id,variant,event_type,timestamp\n';
        const formHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n${csvHead}`;
        const head = contentType === 'text/csv' ? csvHead : formHead;
        socket.write(`${Buffer.byteLength(head).toString(16)}\r\n${head}\r\n`);
        // Like curl streaming a large file: keep sending until the server closes the socket (or,
        // if it never answers, until far past the limit, when the test fails on the missing 413).
        const more = () => {
          if (socket.destroyed || sent > 64 * 1024 * 1024) return;
          sent += line.length;
          const ok = socket.write(`${line.length.toString(16)}\r\n${line}\r\n`);
          if (ok) setImmediate(more);
          else socket.once('drain', more);
        };
        more();
      });
      expect(exchange.response).toMatch(/^HTTP\/1\.1 413 /);
      expect(exchange.response).toMatch(/larger than the limit of 4096 bytes/);
      expect(exchange.response).toMatch(/connection: close/i);
      expect(exchange.closedByServer).toBe(true);
      expect(sent).toBeLessThan(64 * 1024 * 1024);
    },
  );

  it('leaves the server answering', async () => {
    const health = await fetch(`${target.server.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('a multipart upload', () => {
  it('refuses a second file part with 400 naming it', async () => {
    const answer = await postForm([
      part('file', csv, 'day1.csv'),
      part('file', csv.replace('u2', 'u9'), 'day2.csv'),
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/one file per upload.*"day2\.csv"/);
  });

  it('refuses a file under another field name after the file, naming it', async () => {
    const answer = await postForm([
      part('file', csv, 'day1.csv'),
      part('attachment', 'x', 'notes.txt'),
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/"notes\.txt"/);
  });

  it('refuses a file under another field name before the file, naming it', async () => {
    const answer = await postForm([
      part('attachment', 'x', 'notes.txt'),
      part('file', csv.replace('u2', 'u4'), 'day4.csv'),
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/one file per upload.*"notes\.txt"/);
  });

  it('reads parts without a file name, before or after the file, as fields', async () => {
    const answer = await postForm([
      part('comment', 'first day of the test'),
      part('file', csv.replace('u2', 'u3'), 'day3.csv'),
      part('source', 'dashboard'),
    ]);
    expect(answer.status).toBe(202);
    expect(answer.body.source).toBe('day3.csv');
  });

  it('still answers 400 for a form without a file', async () => {
    const answer = await postForm([part('comment', 'nothing attached')]);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/without a "file" part/);
  });
});
