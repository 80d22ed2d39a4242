/**
 * `receiveBody`: a body is hashed and counted as it arrives, kept in memory up to the limit
 * and in a temporary file past it, and refused past the most accepted.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors/errors.ts';
import { receiveBody } from '../../../shared/http/receive-body.ts';

const pieces = ['{"user_id":"u1"}\n', '{"user_id":"u2"}\n', '{"user_id":"u3"}\n'].map((text) =>
  Buffer.from(text),
);
const whole = Buffer.concat(pieces);
const sha256 = createHash('sha256').update(whole).digest('hex');

describe('receiveBody', () => {
  it('keeps a body within the memory limit in memory, with its hash and size', async () => {
    const body = await receiveBody(Readable.from(pieces), 1000, 'upload.ndjson', whole.length);
    expect(body.content).toEqual(whole);
    expect({ sha256: body.sha256, bytes: body.bytes }).toEqual({ sha256, bytes: whole.length });
    await body.discard();
  });

  it('writes a body past the memory limit to a temporary file that discard removes', async () => {
    const body = await receiveBody(Readable.from(pieces), 1000, 'upload.ndjson', 20);
    expect(typeof body.content).toBe('string');
    const file = body.content as string;
    expect(file.endsWith('upload.ndjson')).toBe(true);
    expect(await readFile(file)).toEqual(whole);
    expect({ sha256: body.sha256, bytes: body.bytes }).toEqual({ sha256, bytes: whole.length });
    await body.discard();
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a body past the most accepted with a 413', async () => {
    const received = receiveBody(Readable.from(pieces), whole.length - 1, 'upload.ndjson', 20);
    await expect(received).rejects.toThrow(ValidationError);
    await expect(received).rejects.toMatchObject({
      httpStatus: 413,
      message: `the upload is larger than the limit of ${whole.length - 1} bytes`,
    });
  });

  it('receives an empty body as zero bytes in memory', async () => {
    const body = await receiveBody(Readable.from([]), 1000, 'upload.ndjson');
    expect({ content: body.content, bytes: body.bytes }).toEqual({
      content: Buffer.alloc(0),
      bytes: 0,
    });
  });
});
