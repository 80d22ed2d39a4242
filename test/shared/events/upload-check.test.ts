/**
 * The check made when an upload arrives (`checkUploadedFile`) gives the same answer whether the
 * upload is held in memory (an HTTP body) or in a file (a large body, a GCS object, a CLI
 * file): the same file errors, with the same line and column, and the same acceptances.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors/errors.ts';
import type { SourceFormat } from '../../../shared/events/events-contract.ts';
import { checkUploadedFile, eventHeader } from '../../../shared/events/read-event-table.ts';
import { csvOf, ndjsonOf, useTempFiles, validEvent } from './helpers.ts';

const write = useTempFiles();

async function outcome(source: string | Buffer, format: SourceFormat, label: string) {
  try {
    await checkUploadedFile(source, format, label, eventHeader);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { message: error.message, httpStatus: error.httpStatus, line: error.location.line };
  }
}

const { user_id: _dropped, ...withoutUser } = validEvent;
const record = JSON.stringify(validEvent);

const cases: readonly {
  readonly name: string;
  readonly format: SourceFormat;
  readonly content: Buffer;
  readonly expected: Awaited<ReturnType<typeof outcome>>;
}[] = [
  {
    name: 'good.ndjson',
    format: 'ndjson',
    content: Buffer.from(ndjsonOf([validEvent, validEvent])),
    expected: 'accepted',
  },
  {
    name: 'blank-lines-first.ndjson',
    format: 'ndjson',
    content: Buffer.from(`\n  \n${JSON.stringify(withoutUser)}\n${record}\n`),
    expected: {
      message: 'blank-lines-first.ndjson: missing required column "user_id"',
      httpStatus: 422,
      line: 1,
    },
  },
  {
    name: 'nul.ndjson',
    format: 'ndjson',
    content: Buffer.from(`${record}\n{"user_id": "ü\0"}\n`),
    expected: {
      message: 'nul.ndjson: line 2, column 15: binary content (a NUL byte)',
      httpStatus: 400,
      line: 2,
    },
  },
  {
    name: 'latin1.ndjson',
    format: 'ndjson',
    content: Buffer.concat([
      Buffer.from(`${record}\n{"v": "`),
      Buffer.from([0xe9]),
      Buffer.from('"}\n'),
    ]),
    expected: {
      message: 'latin1.ndjson: line 2, column 8: bytes that are not UTF-8 text',
      httpStatus: 400,
      line: 2,
    },
  },
  {
    name: 'spaces.ndjson',
    format: 'ndjson',
    content: Buffer.from(' \n\t\n'),
    expected: { message: 'spaces.ndjson: the file is empty', httpStatus: 400, line: undefined },
  },
  {
    name: 'good.csv',
    format: 'csv',
    content: Buffer.from(csvOf([validEvent])),
    expected: 'accepted',
  },
  {
    name: 'no-user.csv',
    format: 'csv',
    content: Buffer.from(csvOf([withoutUser])),
    expected: {
      message: 'no-user.csv: missing required column "user_id"',
      httpStatus: 422,
      line: 1,
    },
  },
];

describe('checkUploadedFile, in memory and in a file', () => {
  it.each(cases)('$name', async ({ name, format, content, expected }) => {
    const file = await write(name, content);
    expect(await outcome(file, format, name)).toEqual(expected);
    expect(await outcome(content, format, name)).toEqual(expected);
  });
});
