/**
 * The line of a row error (DESIGN.md "Events contract"): the 1-based physical line where the
 * record starts, the header being line 1; NDJSON its line; JSON array the 1-based element
 * index; Parquet the row number.
 */
import pl from 'nodejs-polars';
import { describe, expect, it } from 'vitest';
import { csvRecordLines, parseCsvHeader } from '../../../shared/events/csv-records.ts';
import { readAndValidate, timestampReason, useTempFiles, validEvent } from './helpers.ts';

const write = useTempFiles();

const header = 'user_id,experiment_id,variant,event_type,timestamp,note';
const good = (user: string, note = 'ok') =>
  `${user},exp1,control,exposure,2026-01-01T10:00:00Z,${note}`;
const bad = (user: string, note = 'ok') => `${user},exp1,control,exposure,not-a-time,${note}`;

/** The lines of the rejected rows, by user id. */
async function rejectedLines(name: string, text: string) {
  const file = await write(name, text);
  const outcome = await readAndValidate(file, 'csv');
  const users = outcome.rejections.map((rejection) => rejection.line);
  return { lines: users, outcome };
}

describe('CSV line numbers', () => {
  const cases: readonly {
    readonly name: string;
    readonly text: string;
    readonly lines: number[];
  }[] = [
    {
      name: 'plain LF, header is line 1',
      text: [header, good('a'), bad('b'), good('c'), bad('d'), ''].join('\n'),
      lines: [3, 5],
    },
    {
      name: 'CRLF line ends',
      text: [header, good('a'), bad('b'), good('c'), bad('d'), ''].join('\r\n'),
      lines: [3, 5],
    },
    {
      name: 'blank lines count as lines',
      text: [header, '', good('a'), '', '', bad('b'), '', bad('c'), ''].join('\n'),
      lines: [6, 8],
    },
    {
      name: 'blank CRLF lines',
      text: [header, good('a'), '', bad('b'), ''].join('\r\n'),
      lines: [4],
    },
    {
      name: 'whitespace-only lines are blank lines too',
      text: [header, good('a'), '   ', '\t', bad('b'), ' ', ''].join('\r\n'),
      lines: [5],
    },
    {
      name: 'lines of empty fields are blank lines; whitespace past the first field is a record',
      text: [header, ',,,,,', good('a'), '  ,,,,,', ' , ,,,,', bad('b'), ''].join('\n'),
      lines: [5, 6],
    },
    {
      name: 'no newline after the last record',
      text: [header, good('a'), bad('b')].join('\n'),
      lines: [3],
    },
    {
      name: 'a quoted field with newlines in an earlier record',
      text: [header, good('a', '"one\ntwo\nthree"'), bad('b'), ''].join('\n'),
      lines: [5],
    },
    {
      name: 'quoted CRLF newlines, a blank line inside quotes, and CRLF line ends',
      text: [header, good('a', '"one\r\n\r\nthree"'), '', bad('b'), good('c'), bad('d'), ''].join(
        '\r\n',
      ),
      lines: [6, 8],
    },
    {
      name: 'the bad record itself spans lines: its first line is reported',
      text: [header, good('a'), bad('b', '"x\ny\nz"'), bad('c'), ''].join('\n'),
      lines: [3, 6],
    },
    {
      name: 'doubled quotes and commas next to quoted newlines',
      text: [header, good('a', '"say ""hi"",\nthen, ""bye""\n"'), bad('b'), ''].join('\n'),
      lines: [5],
    },
    {
      name: 'a field that is only newlines',
      text: [header, good('a', '"\n\n\n"'), bad('b'), ''].join('\n'),
      lines: [6],
    },
    {
      name: 'a header spanning two lines',
      text: [header.replace('note', '"no\nte"'), bad('a'), good('b'), bad('c'), ''].join('\n'),
      lines: [3, 5],
    },
    {
      name: 'quotes only after the bad rows (the quote-aware path)',
      text: [header, bad('a'), good('b', '"quoted"'), ''].join('\n'),
      lines: [2],
    },
  ];

  it.each(cases)('$name', async ({ name, text, lines }) => {
    const { lines: seen } = await rejectedLines(`${name.replace(/[^a-z0-9]+/gi, '_')}.csv`, text);
    expect(seen).toEqual(lines);
  });

  it('counts lines past a quoted field of several megabytes holding a thousand newlines', async () => {
    const big = `"${Array.from({ length: 1001 }, (_, i) => `${i}`.padEnd(4500, '.')).join('\n')}"`;
    const text = [header, good('a'), good('b', big), good('c'), bad('d'), ''].join('\n');
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
    const { lines, outcome } = await rejectedLines('big_field.csv', text);
    // a on 2; b on 3..1003; c on 1004; d on 1005.
    expect(lines).toEqual([1005]);
    expect(outcome.accepted.height).toBe(3);
  });

  it('reports the right lines for many rejections in a long file', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) =>
      i % 1000 === 999 ? bad(`u${i}`) : good(`u${i}`, i === 10 ? '"a\nb"' : 'ok'),
    );
    const { lines } = await rejectedLines('long.csv', `${[header, ...rows].join('\n')}\n`);
    // Record i starts on line i + 2, plus one for the quoted newline of record 10.
    expect(lines).toEqual([1002, 2002, 3002, 4002, 5002]);
  });
});

describe('CSV header and record primitives', () => {
  it.each([
    ['a,b\n1,2\n', ['a', 'b'], 1, true],
    ['a,b\r\n1,2\r\n', ['a', 'b'], 1, true],
    ['a,b', ['a', 'b'], 1, false],
    ['a,b\n\n  \n', ['a', 'b'], 1, false],
    ['"a,1","b ""x"""\n1\n', ['a,1', 'b "x"'], 1, true],
    ['"a\nb",c\n1,2\n', ['a\nb', 'c'], 2, true],
  ] as const)('parseCsvHeader(%j)', (text, names, lines, hasRows) => {
    expect(parseCsvHeader(text)).toEqual({ names, lines, hasRows });
  });

  it('parseCsvHeader gives undefined for a header whose quote never closes', () => {
    expect(parseCsvHeader('"a,b\n1,2\n')).toBeUndefined();
  });

  it('csvRecordLines gives the same lines with and without the quote scan', async () => {
    const file = await write('plain_lines.csv', `h\n1\n\n2\n3\n`);
    const records = [0, 1, 2, 3];
    expect([...(await csvRecordLines(file, records, false, 1))]).toEqual([
      [0, 2],
      [1, 3],
      [2, 4],
      [3, 5],
    ]);
    expect([...(await csvRecordLines(file, records, true, 1))].sort((a, b) => a[0] - b[0])).toEqual(
      [
        [0, 2],
        [1, 3],
        [2, 4],
        [3, 5],
      ],
    );
  });
});

describe('NDJSON, JSON array and Parquet line numbers', () => {
  const event = (user: string, timestamp = validEvent.timestamp) =>
    JSON.stringify({ ...validEvent, user_id: user, timestamp });

  it('NDJSON: the line of the record, blank and whitespace-only lines counted, CRLF too', async () => {
    const text = ['', event('a'), '   ', event('b', 'bad'), '', '', event('c', 'bad'), ''].join(
      '\r\n',
    );
    const file = await write('lines.ndjson', text);
    const outcome = await readAndValidate(file, 'ndjson');
    expect(outcome.rejections.map((rejection) => rejection.line)).toEqual([4, 7]);
    expect(outcome.rowsRead).toBe(3);
  });

  it('JSON array: the 1-based element index, whatever the layout', async () => {
    const text = `[\n  ${event('a')},\n\n  ${event('b', 'bad')},\n  ${event('c')},\n  ${event('d', 'bad')}\n]`;
    const file = await write('elements.json', text);
    const outcome = await readAndValidate(file, 'json');
    expect(outcome.rejections).toEqual([
      { line: 2, column: 'timestamp', value: 'bad', reason: timestampReason },
      { line: 4, column: 'timestamp', value: 'bad', reason: timestampReason },
    ]);
  });

  it('Parquet: the 1-based row number', async () => {
    const file = await write('placeholder.parquet', '');
    pl.DataFrame({
      user_id: ['a', 'b', 'c', 'd', 'e'],
      experiment_id: ['exp1', 'exp1', 'exp1', 'exp1', 'exp1'],
      variant: ['control', 'control', '', 'b', 'b'],
      event_type: ['exposure', 'exposure', 'exposure', 'exposure', 'exposure'],
      timestamp: ['2026-01-01T10:00:00Z', 'bad', '2026-01-01T10:00:00Z', '1767261600000', 'x'],
    }).writeParquet(file);
    const outcome = await readAndValidate(file, 'parquet');
    expect(outcome.rejections).toEqual([
      { line: 2, column: 'timestamp', value: 'bad', reason: timestampReason },
      { line: 3, column: 'variant', value: '', reason: 'empty variant' },
      { line: 5, column: 'timestamp', value: 'x', reason: timestampReason },
    ]);
  });
});
