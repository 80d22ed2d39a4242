/**
 * Row errors of DESIGN.md "Events contract": the row is rejected with its line, column, value
 * and reason, every other row is accepted. And the valid forms: each stored as the right UTC
 * instant (Datetime us UTC) and value (Float64).
 */
import pl from 'nodejs-polars';
import { describe, expect, it } from 'vitest';
import {
  csvOf,
  micros,
  ndjsonOf,
  plainEvents,
  readAndValidate,
  timestampReason,
  useTempFiles,
  validEvent,
} from './helpers.ts';

const write = useTempFiles();

/** A CSV of a good row, the row under test (line 3) and another good row. */
async function csvAround(name: string, fields: Readonly<Record<string, string>>) {
  const file = await write(
    `${name}.csv`,
    csvOf([
      { ...validEvent, user_id: 'before', value: '1' },
      { ...validEvent, user_id: 'tested', value: '', ...fields },
      { ...validEvent, user_id: 'after', value: '2' },
    ]),
  );
  return readAndValidate(file, 'csv');
}

interface RowErrorCase {
  readonly name: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly column: string;
  readonly value: string | null;
  readonly reason: string;
}

const invalidId = "experiment_id is not a valid id (1-128 letters, digits, '.', '_' or '-')";

const rowErrorCases: readonly RowErrorCase[] = [
  ...[
    'garbage',
    '2026-02-30T10:00:00Z',
    '2026-01-01T10:00:00',
    '2026-01-01',
    '2026-13-01T10:00:00Z',
    '10:00:00Z',
    '01/02/2026 10:00',
    '1767261600000.5',
    '1767261600000123',
    'Thu, 01 Jan 2026 10:00:00 GMT',
    'junk 2026-01-01T10:00:00Z',
    '2026-01-01T10:00:00Zjunk',
    'at 2026-01-01T10:00:00+02:00 maybe',
    '2026-01-01T10:00:00+02:00[Europe/Paris]',
    '2026-01-01T10:00:00UTC',
    '2026-01-01T10:00:00 +02:00',
    '2026-01-01T10:00:00+02',
    '2026-01-01T10:00Z',
    '2026-01-01T25:00:00Z',
  ].map((timestamp) => ({
    name: `timestamp ${timestamp}`,
    fields: { timestamp },
    column: 'timestamp',
    value: timestamp,
    reason: timestampReason,
  })),
  ...[
    ['-1', 'value is negative'],
    ['-0.01', 'value is negative'],
    ['NaN', 'value is NaN'],
    ['nan', 'value is NaN'],
    ['inf', 'value is infinite'],
    ['-inf', 'value is infinite'],
    ['Infinity', 'value is infinite'],
    ['-Infinity', 'value is infinite'],
    ['1e400', 'value is infinite'],
    ['12,5', 'value is not a number'],
    ['$3', 'value is not a number'],
    ['abc', 'value is not a number'],
    ['0x10', 'value is not a number'],
    ['1_000', 'value is not a number'],
    ['=1+2', 'value is not a number'],
  ].map(([value, reason]) => ({
    name: `value ${value}`,
    fields: { value: value ?? '' },
    column: 'value',
    value: value ?? '',
    reason: reason ?? '',
  })),
  ...(['user_id', 'experiment_id', 'variant', 'event_type', 'timestamp'] as const).flatMap(
    (column) => [
      {
        name: `empty ${column}`,
        fields: { [column]: '' },
        column,
        value: null,
        reason: `empty ${column}`,
      },
      {
        name: `whitespace-only ${column}`,
        fields: { [column]: ' \t ' },
        column,
        value: ' \t ',
        reason: `empty ${column}`,
      },
    ],
  ),
  ...['a/b', '../etc', 'exp 1', '-leading-dash', 'é', 'x'.repeat(129)].map((experimentId) => ({
    name: `experiment_id ${experimentId.slice(0, 20)}`,
    fields: { experiment_id: experimentId },
    column: 'experiment_id',
    value: experimentId,
    reason: invalidId,
  })),
  {
    name: 'several problems: the first in column order is reported',
    fields: { user_id: '', timestamp: 'garbage', value: '-1' },
    column: 'user_id',
    value: null,
    reason: 'empty user_id',
  },
  {
    name: 'an empty field before a bad timestamp',
    fields: { variant: '', timestamp: 'garbage' },
    column: 'variant',
    value: null,
    reason: 'empty variant',
  },
  {
    name: 'a bad timestamp before a bad value',
    fields: { timestamp: 'garbage', value: 'abc' },
    column: 'timestamp',
    value: 'garbage',
    reason: timestampReason,
  },
];

describe('row errors in CSV: the row is rejected, the rest accepted', () => {
  it.each(rowErrorCases)('$name', async ({ name, fields, column, value, reason }) => {
    const outcome = await csvAround(name.replace(/[^a-z0-9]+/gi, '_'), fields);
    expect(outcome.rejections).toEqual([{ line: 3, column, value, reason }]);
    expect(outcome.rowsRead).toBe(3);
    expect(outcome.accepted.getColumn('user_id').toArray()).toEqual(['before', 'after']);
  });

  it('shows at most 200 characters of a long bad value', async () => {
    const long = `x${'9'.repeat(500)}`;
    const outcome = await csvAround('long_value', { value: long });
    expect(outcome.rejections).toEqual([
      { line: 3, column: 'value', value: long.slice(0, 200), reason: 'value is not a number' },
    ]);
  });
});

describe('row errors in NDJSON', () => {
  const base = { ...validEvent };
  const cases: readonly {
    readonly name: string;
    readonly line: string;
    readonly column: string;
    readonly value: string | null;
    readonly reason: string;
  }[] = [
    {
      name: 'negative JSON number',
      line: JSON.stringify({ ...base, value: -1 }),
      column: 'value',
      value: '-1',
      reason: 'value is negative',
    },
    {
      name: 'a numeric literal too large for a double (1e400)',
      line: `${JSON.stringify(base).slice(0, -1)},"value":1e400}`,
      column: 'value',
      value: 'Infinity',
      reason: 'value is infinite',
    },
    {
      name: '"NaN" as a string',
      line: JSON.stringify({ ...base, value: 'NaN' }),
      column: 'value',
      value: 'NaN',
      reason: 'value is NaN',
    },
    {
      name: 'a boolean value',
      line: JSON.stringify({ ...base, value: true }),
      column: 'value',
      value: 'true',
      reason: 'value is not a number',
    },
    {
      name: 'an object as value (kept as its JSON text)',
      line: JSON.stringify({ ...base, value: { amount: 3 } }),
      column: 'value',
      value: '{"amount":3}',
      reason: 'value is not a number',
    },
    {
      name: 'null user_id',
      line: JSON.stringify({ ...base, user_id: null }),
      column: 'user_id',
      value: null,
      reason: 'empty user_id',
    },
    {
      name: 'user_id missing from this record only',
      line: JSON.stringify({ ...base, user_id: undefined }),
      column: 'user_id',
      value: null,
      reason: 'empty user_id',
    },
    {
      name: 'empty string variant',
      line: JSON.stringify({ ...base, variant: '' }),
      column: 'variant',
      value: '',
      reason: 'empty variant',
    },
    {
      name: 'an empty object',
      line: '{}',
      column: 'user_id',
      value: null,
      reason: 'empty user_id',
    },
    {
      name: 'a fractional epoch',
      line: JSON.stringify({ ...base, timestamp: 1767261600000.5 }),
      column: 'timestamp',
      value: '1767261600000.5',
      reason: timestampReason,
    },
  ];

  it.each(cases)('$name', async ({ name, line, column, value, reason }) => {
    const text = `${JSON.stringify({ ...base, user_id: 'before' })}\n${line}\n${JSON.stringify({
      ...base,
      user_id: 'after',
    })}\n`;
    const file = await write(`${name.replace(/[^a-z0-9]+/gi, '_')}.ndjson`, text);
    const outcome = await readAndValidate(file, 'ndjson');
    expect(outcome.rejections).toEqual([{ line: 2, column, value, reason }]);
    expect(outcome.rowsRead).toBe(3);
    expect(outcome.accepted.getColumn('user_id').toArray()).toEqual(['before', 'after']);
  });
});

describe('valid timestamps are stored as the right UTC instant', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['2026-01-01T10:00:00Z', micros('2026-01-01T10:00:00Z')],
    ['2026-01-01T10:00:00+02:00', micros('2026-01-01T08:00:00Z')],
    ['2026-01-01T10:00:00+0200', micros('2026-01-01T08:00:00Z')],
    ['2026-01-01T10:00:00-05:30', micros('2026-01-01T15:30:00Z')],
    ['2026-01-01T00:30:00+01:00', micros('2025-12-31T23:30:00Z')],
    ['2026-01-01T10:00:00.5Z', micros('2026-01-01T10:00:00.500Z')],
    ['2026-01-01T10:00:00.123456Z', '1767261600123456'],
    // Nanoseconds are truncated to the stored microseconds.
    ['2026-01-01T10:00:00.123456789Z', '1767261600123456'],
    ['2026-01-01 10:00:00Z', micros('2026-01-01T10:00:00Z')],
    ['2026-01-01t10:00:00z', micros('2026-01-01T10:00:00Z')],
    ['2026-01-01T10:00:00-00:00', micros('2026-01-01T10:00:00Z')],
    ['2026-01-01T10:00:00+14:00', micros('2025-12-31T20:00:00Z')],
    ['  2026-01-01T10:00:00Z  ', micros('2026-01-01T10:00:00Z')],
    ['1767261600000', micros('2026-01-01T10:00:00Z')],
    ['1767261600123', micros('2026-01-01T10:00:00.123Z')],
    ['0', '0'],
    ['-1000', '-1000000'],
  ];

  it.each(cases)('%j -> %s us', async (timestamp, expected) => {
    const file = await write(
      `ts_${timestamp.replace(/[^0-9a-z]+/gi, '_')}.csv`,
      csvOf([{ ...validEvent, timestamp }]),
    );
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.rejections).toEqual([]);
    expect(outcome.accepted.schema.timestamp).toEqual(pl.Datetime('us', 'UTC'));
    expect(plainEvents(outcome.accepted).map((event) => event.timestamp)).toEqual([expected]);
  });

  it('takes epoch milliseconds as a JSON number and an ISO string alike', async () => {
    const file = await write(
      'ts_json_number.ndjson',
      ndjsonOf([
        { ...validEvent, user_id: 'number', timestamp: 1767261600000 },
        { ...validEvent, user_id: 'string', timestamp: '1767261600000' },
        { ...validEvent, user_id: 'iso', timestamp: '2026-01-01T11:00:00+01:00' },
      ]),
    );
    const outcome = await readAndValidate(file, 'ndjson');
    expect(outcome.rejections).toEqual([]);
    expect(plainEvents(outcome.accepted).map((event) => [event.user_id, event.timestamp])).toEqual([
      ['number', micros('2026-01-01T10:00:00Z')],
      ['string', micros('2026-01-01T10:00:00Z')],
      ['iso', micros('2026-01-01T10:00:00Z')],
    ]);
  });
});

describe('valid values are stored as Float64', () => {
  const cases: readonly (readonly [string, number | null])[] = [
    ['', null],
    ['0', 0],
    ['12.5', 12.5],
    ['1e3', 1000],
    [' 7 ', 7],
    ['+3', 3],
    ['.5', 0.5],
    ['1234567.891', 1234567.891],
  ];

  it.each(cases)('CSV value %j -> %s', async (value, expected) => {
    const file = await write(
      `value_${value.replace(/[^0-9a-z]+/gi, '_')}.csv`,
      csvOf([{ ...validEvent, value }]),
    );
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.rejections).toEqual([]);
    expect(outcome.accepted.schema.value).toEqual(pl.Float64);
    expect(outcome.accepted.getColumn('value').toArray()).toEqual([expected]);
  });

  it('takes a JSON number, a numeric string, null and an absent value in NDJSON', async () => {
    const file = await write(
      'values.ndjson',
      ndjsonOf([
        { ...validEvent, user_id: 'number', value: 12.5 },
        { ...validEvent, user_id: 'string', value: '12.5' },
        { ...validEvent, user_id: 'null', value: null },
        { ...validEvent, user_id: 'absent' },
        { ...validEvent, user_id: 'zero', value: 0 },
      ]),
    );
    const outcome = await readAndValidate(file, 'ndjson');
    expect(outcome.rejections).toEqual([]);
    expect(outcome.accepted.schema.value).toEqual(pl.Float64);
    expect(outcome.accepted.getColumn('value').toArray()).toEqual([12.5, 12.5, null, null, 0]);
  });

  it('gives every event a null Float64 value when the file has no value column', async () => {
    const file = await write('no_value_column.csv', csvOf([validEvent]));
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.accepted.schema.value).toEqual(pl.Float64);
    expect(outcome.accepted.getColumn('value').toArray()).toEqual([null]);
  });

  it('trims the experiment id it stores but keeps other values as given', async () => {
    const file = await write(
      'trim.csv',
      csvOf([{ ...validEvent, user_id: ' u1 ', experiment_id: ' exp1 ', variant: ' B ' }]),
    );
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.rejections).toEqual([]);
    expect(plainEvents(outcome.accepted)).toEqual([
      {
        event_id: null,
        experiment_id: 'exp1',
        user_id: ' u1 ',
        variant: ' B ',
        event_type: 'exposure',
        timestamp: micros('2026-01-01T10:00:00Z'),
        value: null,
      },
    ]);
  });
});
