/**
 * File errors of DESIGN.md "Events contract": the whole file is rejected with one
 * ValidationError naming the file and the problem, the right HTTP status, and the line where
 * there is one.
 */
import { readFile } from 'node:fs/promises';
import pl from 'nodejs-polars';
import { describe, expect, it } from 'vitest';
import type { SourceFormat } from '../../../shared/events/events-contract.ts';
import {
  csvOf,
  fileError,
  ndjsonOf,
  readAndValidate,
  useTempFiles,
  validEvent,
} from './helpers.ts';

const write = useTempFiles();

const header = 'user_id,experiment_id,variant,event_type,timestamp';
const row = 'u1,exp1,control,exposure,2026-01-01T10:00:00Z';
const bom = Buffer.from([0xef, 0xbb, 0xbf]);

interface FileErrorCase {
  readonly name: string;
  readonly format: SourceFormat;
  readonly content: string | Buffer;
  /** The message after `<file name>: `. */
  readonly message: string;
  readonly httpStatus: number;
  readonly line?: number;
}

const exactCases: readonly FileErrorCase[] = [
  {
    name: 'missing-column.csv',
    format: 'csv',
    content: 'user_id,experiment_id,variant,timestamp\nu1,exp1,a,2026-01-01T10:00:00Z\n',
    message: 'missing required column "event_type"',
    httpStatus: 422,
    line: 1,
  },
  {
    name: 'missing-columns.csv',
    format: 'csv',
    content: 'user_id,variant,timestamp\nu1,a,2026-01-01T10:00:00Z\n',
    message: 'missing required columns "experiment_id", "event_type"',
    httpStatus: 422,
    line: 1,
  },
  {
    name: 'semicolons.csv',
    format: 'csv',
    content: `${header.replace(/,/g, ';')}\n${row.replace(/,/g, ';')}\n`,
    message:
      'line 1 separates its columns with semicolons, not commas: export it as comma-separated CSV',
    httpStatus: 400,
    line: 1,
  },
  {
    name: 'named-twice.csv',
    format: 'csv',
    content: `${header},device,device\n${row},a,b\n`,
    message: 'line 1: column "device" is named twice (columns 6 and 7)',
    httpStatus: 400,
    line: 1,
  },
  {
    name: 'named-twice-case.csv',
    format: 'csv',
    content: `${header},USER_ID\n${row},u2\n`,
    message: 'line 1: column "user_id" is named twice (columns 1 and 6)',
    httpStatus: 400,
    line: 1,
  },
  {
    name: 'named-twice-spaces.csv',
    format: 'csv',
    content: `${header}," Variant "\n${row},b\n`,
    message: 'line 1: column "variant" is named twice (columns 3 and 6)',
    httpStatus: 400,
    line: 1,
  },
  {
    name: 'unnamed-column.csv',
    format: 'csv',
    content: `user_id,,${header.slice('user_id,'.length)}\nu1,x,exp1,a,b,2026-01-01T10:00:00Z\n`,
    message: 'line 1, column 2: the column has no name',
    httpStatus: 400,
    line: 1,
  },
  {
    name: 'empty.csv',
    format: 'csv',
    content: '',
    message: 'the file is empty',
    httpStatus: 400,
  },
  {
    name: 'bom-only.csv',
    format: 'csv',
    content: bom,
    message: 'the file is empty',
    httpStatus: 400,
  },
  {
    name: 'whitespace-only.csv',
    format: 'csv',
    content: '  \r\n\t\n\n',
    message: 'the file is empty',
    httpStatus: 400,
  },
  {
    name: 'bom-whitespace.csv',
    format: 'csv',
    content: Buffer.concat([bom, Buffer.from('\n \n')]),
    message: 'the file is empty',
    httpStatus: 400,
  },
  {
    name: 'header-only.csv',
    format: 'csv',
    content: `${header}\n`,
    message: 'the file has a header but no rows',
    httpStatus: 400,
  },
  {
    name: 'header-only-no-newline.csv',
    format: 'csv',
    content: header,
    message: 'the file has a header but no rows',
    httpStatus: 400,
  },
  {
    name: 'header-blank-lines.csv',
    format: 'csv',
    content: `${header}\r\n\r\n  \r\n`,
    message: 'the file has a header but no rows',
    httpStatus: 400,
  },
  {
    name: 'header-empty-rows.csv',
    format: 'csv',
    content: `${header}\n,,,,\n,,,,\n`,
    message: 'the file has a header but no rows',
    httpStatus: 400,
  },
  {
    name: 'nul.csv',
    format: 'csv',
    content: Buffer.concat([
      Buffer.from(`${header}\n${row}\nu2,ex`),
      Buffer.from([0]),
      Buffer.from('p1\n'),
    ]),
    message: 'line 3, column 6: binary content (a NUL byte)',
    httpStatus: 400,
    line: 3,
  },
  {
    name: 'png.csv',
    format: 'csv',
    content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49]),
    message: 'line 3, column 1: binary content (a NUL byte)',
    httpStatus: 400,
    line: 3,
  },
  {
    name: 'latin1.csv',
    format: 'csv',
    content: Buffer.concat([
      Buffer.from(`${header},city\n${row},Paris\n${row},caf`),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]),
    message: `line 3, column ${`${row},caf`.length + 1}: bytes that are not UTF-8 text`,
    httpStatus: 400,
    line: 3,
  },
  {
    name: 'latin1-after-utf8.csv',
    format: 'csv',
    content: Buffer.concat([
      Buffer.from(`${header},city\n${row.replace('u1', 'ü1')},caf`),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]),
    message: `line 2, column ${`${row},caf`.length + 1}: bytes that are not UTF-8 text`,
    httpStatus: 400,
    line: 2,
  },
  {
    name: 'latin1-header-after-bom.csv',
    format: 'csv',
    content: Buffer.concat([
      bom,
      Buffer.from(`${header},caf`),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]),
    message: `line 1, column ${`${header},caf`.length + 1}: bytes that are not UTF-8 text`,
    httpStatus: 400,
    line: 1,
  },
  {
    name: 'overlong.csv',
    format: 'csv',
    content: Buffer.concat([
      Buffer.from(`${header}\nu`),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from(`${row.slice(2)}\n`),
    ]),
    message: 'line 2, column 2: bytes that are not UTF-8 text',
    httpStatus: 400,
    line: 2,
  },
  {
    name: 'truncated-character.csv',
    format: 'csv',
    content: Buffer.concat([Buffer.from(`${header}\n${row}\n${row},`), Buffer.from([0xe2, 0x82])]),
    message: `line 3, column ${`${row},`.length + 1}: bytes that are not UTF-8 text (truncated character)`,
    httpStatus: 400,
    line: 3,
  },
  {
    name: 'header-unclosed-quote.csv',
    format: 'csv',
    content: `user_id,"experiment_id\n${row}\n`,
    message: 'line 1: the header does not end (unclosed quote?)',
    httpStatus: 400,
    line: 1,
  },
  {
    name: 'extra-field.csv',
    format: 'csv',
    content: `${header}\n${row}\n${row},surplus\n${row}\n`,
    message: 'not well-formed CSV: a record has more fields than the header has columns',
    httpStatus: 400,
  },
  {
    name: 'trailing-comma.csv',
    format: 'csv',
    content: `${header}\n${row},\n`,
    message: 'not well-formed CSV: a record has more fields than the header has columns',
    httpStatus: 400,
  },
  {
    name: 'unclosed-quote.csv',
    format: 'csv',
    content: `${header}\n${row}\nu2,exp1,"control,exposure,2026-01-01T10:00:00Z\n`,
    message:
      'not well-formed CSV: a quoted field does not end, or holds a quote that is not doubled',
    httpStatus: 400,
  },
  {
    name: 'not-object-line.ndjson',
    format: 'ndjson',
    content: `${JSON.stringify(validEvent)}\n[1, 2]\n`,
    message: 'line 2: expected a JSON object',
    httpStatus: 400,
    line: 2,
  },
  {
    name: 'string-line.ndjson',
    format: 'ndjson',
    content: `${JSON.stringify(validEvent)}\n\n"u1,exp1"\n`,
    message: 'line 3: expected a JSON object',
    httpStatus: 400,
    line: 3,
  },
  {
    name: 'blank.ndjson',
    format: 'ndjson',
    content: '\n\r\n  \n',
    message: 'the file is empty',
    httpStatus: 400,
  },
  {
    name: 'key-twice.ndjson',
    format: 'ndjson',
    content: `${JSON.stringify(validEvent)}\n${JSON.stringify({ ...validEvent, USER_ID: 'x' })}\n`,
    message: 'line 2: column "user_id" is named twice',
    httpStatus: 400,
    line: 2,
  },
  {
    name: 'missing-column.ndjson',
    format: 'ndjson',
    content: ndjsonOf([{ user_id: 'u1', experiment_id: 'exp1', variant: 'a', timestamp: 0 }]),
    message: 'missing required column "event_type"',
    httpStatus: 422,
    line: 1,
  },
  {
    name: 'object.json',
    format: 'json',
    content: JSON.stringify(validEvent),
    message: 'expected a JSON array of event objects',
    httpStatus: 400,
  },
  {
    name: 'null.json',
    format: 'json',
    content: 'null',
    message: 'expected a JSON array of event objects',
    httpStatus: 400,
  },
  {
    name: 'number-element.json',
    format: 'json',
    content: `[${JSON.stringify(validEvent)}, 3]`,
    message: 'element 2: expected a JSON object',
    httpStatus: 400,
    line: 2,
  },
  {
    name: 'array-element.json',
    format: 'json',
    content: `[${JSON.stringify(validEvent)}, ${JSON.stringify(validEvent)}, [${JSON.stringify(validEvent)}]]`,
    message: 'element 3: expected a JSON object',
    httpStatus: 400,
    line: 3,
  },
  {
    name: 'null-element.json',
    format: 'json',
    content: '[null]',
    message: 'element 1: expected a JSON object',
    httpStatus: 400,
    line: 1,
  },
  {
    name: 'empty-array.json',
    format: 'json',
    content: ' [ ] ',
    message: 'the file holds no events',
    httpStatus: 400,
  },
  {
    name: 'latin1.json',
    format: 'json',
    content: Buffer.concat([
      Buffer.from('[{"user_id": "caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}]'),
    ]),
    message: 'line 1, column 18: bytes that are not UTF-8 text',
    httpStatus: 400,
    line: 1,
  },
  {
    name: 'csv-claimed-parquet.parquet',
    format: 'parquet',
    content: `${header}\n${row}\n`,
    message: 'not a Parquet file',
    httpStatus: 400,
  },
  {
    name: 'empty.parquet',
    format: 'parquet',
    content: '',
    message: 'not a Parquet file',
    httpStatus: 400,
  },
];

describe('file errors', () => {
  it.each(exactCases)('$name', async ({ name, format, content, message, httpStatus, line }) => {
    const file = await write(name, content);
    expect(await fileError(file, format)).toEqual({
      name: 'ValidationError',
      message: `${name}: ${message}`,
      httpStatus,
      line,
    });
  });
});

describe('broken JSON names the file (and the line for NDJSON)', () => {
  it.each([
    ['broken-line.ndjson', 'ndjson', `${JSON.stringify(validEvent)}\n\n{"user_id": "u2",\n`, 3],
    ['single-quotes.ndjson', 'ndjson', `{'user_id': 'u1'}\n`, 1],
    ['json-array-as.ndjson', 'ndjson', `[\n${JSON.stringify(validEvent)}\n]\n`, 1],
    [
      'truncated.json',
      'json',
      `[${JSON.stringify(validEvent)},\n${JSON.stringify(validEvent)}`,
      undefined,
    ],
    ['ndjson-claimed.json', 'json', ndjsonOf([validEvent, validEvent]), undefined],
    ['trailing-comma.json', 'json', `[${JSON.stringify(validEvent)},]`, undefined],
  ] as const)('%s', async (name, format, content, line) => {
    const file = await write(name, content);
    const error = await fileError(file, format);
    const where = line === undefined ? '' : `line ${line}: `;
    expect(error.message.startsWith(`${name}: ${where}broken JSON (`)).toBe(true);
    expect(error.message.endsWith(')')).toBe(true);
    expect({ httpStatus: error.httpStatus, line: error.line }).toEqual({ httpStatus: 400, line });
  });
});

/** Where the first NUL of some bytes is, counted the way an editor would (independent oracle). */
function nulPosition(bytes: Buffer): { line: number; column: number } {
  const offset = bytes.indexOf(0);
  const before = bytes.subarray(0, offset);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  let characters = 0;
  for (const byte of before.subarray(lineStart)) if ((byte & 0xc0) !== 0x80) characters += 1;
  return { line: before.filter((byte) => byte === 0x0a).length + 1, column: characters + 1 };
}

describe('files that are not the format claimed', () => {
  async function parquetBytes(): Promise<Buffer> {
    const file = await write('real.parquet', '');
    pl.DataFrame({
      ...Object.fromEntries(Object.entries(validEvent).map(([k, v]) => [k, [v, v]])),
    }).writeParquet(file);
    return readFile(file);
  }

  it.each(['csv', 'ndjson', 'json'] as const)('Parquet claimed %s is binary', async (format) => {
    const bytes = await parquetBytes();
    const name = `parquet-claimed.${format}`;
    const file = await write(name, bytes);
    const { line, column } = nulPosition(bytes);
    expect(await fileError(file, format)).toEqual({
      name: 'ValidationError',
      message: `${name}: line ${line}, column ${column}: binary content (a NUL byte)`,
      httpStatus: 400,
      line,
    });
  });

  it('a Parquet file cut short is not a Parquet file', async () => {
    const bytes = await parquetBytes();
    const file = await write('cut.parquet', bytes.subarray(0, bytes.length - 20));
    expect((await fileError(file, 'parquet')).message).toBe('cut.parquet: not a Parquet file');
  });

  it('a Parquet file with no rows holds no events', async () => {
    const file = await write('no-rows.parquet', '');
    pl.DataFrame({ ...Object.fromEntries(Object.keys(validEvent).map((k) => [k, [] as string[]])) })
      .head(0)
      .writeParquet(file);
    expect(await fileError(file, 'parquet')).toEqual({
      name: 'ValidationError',
      message: 'no-rows.parquet: the file holds no events',
      httpStatus: 400,
      line: undefined,
    });
  });

  it('a Parquet file whose data pages are damaged is unreadable, not an internal error', async () => {
    const n = 2000;
    const file = await write('damaged.parquet', '');
    pl.DataFrame({
      user_id: Array.from({ length: n }, (_, i) => `user-${i}-${'x'.repeat(i % 40)}`),
      experiment_id: Array<string>(n).fill('exp1'),
      variant: Array<string>(n).fill('control'),
      event_type: Array<string>(n).fill('exposure'),
      timestamp: Array<string>(n).fill('2026-01-01T10:00:00Z'),
    }).writeParquet(file, { compression: 'uncompressed' });
    const bytes = await readFile(file);
    for (let i = 200; i < 2000; i += 1) bytes[i] = (i * 7) & 0xff;
    await write('damaged.parquet', bytes);
    const error = await fileError(file, 'parquet');
    expect(error.message.startsWith('damaged.parquet: unreadable Parquet data (')).toBe(true);
    expect(error.httpStatus).toBe(400);
  });

  it('a Parquet file with a column named twice case-insensitively', async () => {
    const file = await write('twice.parquet', '');
    pl.DataFrame({
      ...Object.fromEntries(Object.entries(validEvent).map(([k, v]) => [k, [v]])),
      User_ID: ['x'],
    }).writeParquet(file);
    expect((await fileError(file, 'parquet')).message).toBe(
      'twice.parquet: line 1: column "user_id" is named twice (columns 1 and 6)',
    );
  });

  it('a Parquet file missing a required column', async () => {
    const file = await write('missing.parquet', '');
    const rest = Object.entries(validEvent).filter(([key]) => key !== 'variant');
    pl.DataFrame(Object.fromEntries(rest.map(([k, v]) => [k, [v]]))).writeParquet(file);
    expect(await fileError(file, 'parquet')).toEqual({
      name: 'ValidationError',
      message: 'missing.parquet: missing required column "variant"',
      httpStatus: 422,
      line: 1,
    });
  });
});

describe('UTF-8 checks across read chunks (the check streams 4 MiB at a time)', () => {
  const chunk = 4 * 1024 * 1024;

  /** Rows of two-byte characters, shifted so one character straddles the chunk boundary. */
  function straddlingRows(): Buffer {
    for (const shift of [0, 1]) {
      const head = `${header},note${'s'.repeat(shift)}\n`;
      const lines = Array.from(
        { length: 4200 },
        (_, i) => `u${i},exp1,control,exposure,2026-01-01T10:00:00Z,${'é'.repeat(500)}`,
      );
      const bytes = Buffer.from(`${head}${lines.join('\n')}\n`);
      if (bytes[chunk] !== undefined && (bytes[chunk] & 0xc0) === 0x80) return bytes;
    }
    throw new Error('no shift splits a character at the chunk boundary');
  }

  it('accepts a character split between two chunks', async () => {
    const bytes = straddlingRows();
    expect(bytes.length).toBeGreaterThan(chunk);
    const file = await write('straddle.csv', bytes);
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.rejections).toEqual([]);
    expect(outcome.accepted.height).toBe(4200);
  });

  it('finds a bad byte past the first chunk with its line and column', async () => {
    const bytes = straddlingRows();
    const badLine = `u9,exp1,control,exposure,2026-01-01T10:00:00Z,é`;
    const file = await write(
      'late-latin1.csv',
      Buffer.concat([bytes, Buffer.from(badLine), Buffer.from([0xe9, 0x0a])]),
    );
    const line = bytes.filter((byte) => byte === 0x0a).length + 1;
    expect(await fileError(file, 'csv')).toEqual({
      name: 'ValidationError',
      message: `late-latin1.csv: line ${line}, column ${badLine.length + 1}: bytes that are not UTF-8 text`,
      httpStatus: 400,
      line,
    });
  });
});

describe('a file error is thrown before anything is read row by row', () => {
  it('even when every row would also be a row error', async () => {
    const file = await write(
      'both.csv',
      csvOf([{ user_id: '', experiment_id: '', variant: '', event_type: '', value: '-1' }]),
    );
    expect((await fileError(file, 'csv')).message).toBe(
      'both.csv: missing required column "timestamp"',
    );
  });
});
