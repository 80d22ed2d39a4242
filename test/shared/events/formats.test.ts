/**
 * The four formats of DESIGN.md "Events contract" carry the same events to the same curated
 * frame: CSV, NDJSON, a JSON array and Parquet (text columns, or typed ones written by polars).
 */
import pl from 'nodejs-polars';
import { beforeAll, describe, expect, it } from 'vitest';
import { withEventIds } from '../../../shared/events/deduplicate-events.ts';
import { formatFromFileName, formatFromMediaType } from '../../../shared/events/source-format.ts';
import {
  csvOf,
  micros,
  plainEvents,
  readAndValidate,
  timestampReason,
  useTempFiles,
} from './helpers.ts';

const write = useTempFiles();

/** The events, with JSON-typed values where JSON would use numbers. */
const events = [
  {
    event_id: 'e1',
    user_id: 'u1',
    experiment_id: 'exp1',
    variant: 'control',
    event_type: 'exposure',
    timestamp: '2026-01-01T10:00:00.123456Z',
    value: null,
    device: 'ios',
  },
  {
    event_id: 'e2',
    user_id: 'u2',
    experiment_id: 'exp1',
    variant: 'treatment',
    event_type: 'purchase',
    timestamp: '2026-01-01T11:30:00+01:00',
    value: 12.5,
    device: null,
  },
  {
    event_id: null,
    user_id: 'u3',
    experiment_id: 'exp2',
    variant: 'control',
    event_type: 'purchase',
    timestamp: '1969-12-31T23:59:59.9995Z',
    value: 0,
    device: 'web, "beta"',
  },
  {
    event_id: null,
    user_id: '用户4',
    experiment_id: 'exp2',
    variant: '=B1',
    event_type: 'exposure',
    timestamp: 1767261600000,
    value: 0.1,
    device: 'android',
  },
] as const;

const expected = [
  {
    event_id: 'e1',
    experiment_id: 'exp1',
    user_id: 'u1',
    variant: 'control',
    event_type: 'exposure',
    timestamp: '1767261600123456',
    value: null,
    device: 'ios',
  },
  {
    event_id: 'e2',
    experiment_id: 'exp1',
    user_id: 'u2',
    variant: 'treatment',
    event_type: 'purchase',
    timestamp: micros('2026-01-01T10:30:00Z'),
    value: 12.5,
    device: null,
  },
  {
    event_id: null,
    experiment_id: 'exp2',
    user_id: 'u3',
    variant: 'control',
    event_type: 'purchase',
    timestamp: '-500',
    value: 0,
    device: 'web, "beta"',
  },
  {
    event_id: null,
    experiment_id: 'exp2',
    user_id: '用户4',
    variant: '=B1',
    event_type: 'exposure',
    timestamp: micros('2026-01-01T10:00:00Z'),
    value: 0.1,
    device: 'android',
  },
];

const asText = (value: string | number | null) => (value === null ? '' : String(value));
const textRecord = (event: (typeof events)[number]) =>
  Object.fromEntries(Object.entries(event).map(([key, value]) => [key, asText(value)]));

/** Each format's file, written from {@link events}. */
const writers: Readonly<
  Record<string, () => Promise<readonly [string, 'csv' | 'ndjson' | 'json' | 'parquet']>>
> = {
  csv: async () => [await write('same.csv', csvOf(events.map(textRecord))), 'csv'],
  'csv with CRLF and a BOM': async () => [
    await write('same-crlf.csv', `\uFEFF${csvOf(events.map(textRecord)).replace(/\n/g, '\r\n')}`),
    'csv',
  ],
  ndjson: async () => [
    await write('same.ndjson', `${events.map((event) => JSON.stringify(event)).join('\n')}\n`),
    'ndjson',
  ],
  'ndjson with numeric strings': async () => [
    await write(
      'same-strings.ndjson',
      `${events
        .map((event) =>
          JSON.stringify({ ...event, value: event.value === null ? null : String(event.value) }),
        )
        .join('\n')}\n`,
    ),
    'ndjson',
  ],
  'json array': async () => [await write('same.json', JSON.stringify(events, null, 2)), 'json'],
  'parquet, text columns': async () => {
    const file = await write('same-text.parquet', '');
    pl.DataFrame(
      Object.fromEntries(
        Object.keys(events[0]).map((key) => [
          key,
          pl.Series(
            key,
            events.map((event) => {
              const value = event[key as keyof typeof event];
              return value === null ? null : String(value);
            }),
            pl.Utf8,
          ),
        ]),
      ),
    ).writeParquet(file);
    return [file, 'parquet'];
  },
  'parquet, typed columns (Datetime us UTC, Float64)': async () => {
    const file = await write('same-typed.parquet', '');
    typedFrame().writeParquet(file);
    return [file, 'parquet'];
  },
  'parquet, naive Datetime ns': async () => {
    const file = await write('same-ns.parquet', '');
    typedFrame()
      .withColumns(pl.col('timestamp').cast(pl.Datetime('ns')))
      .writeParquet(file);
    return [file, 'parquet'];
  },
};

/** The events as typed polars columns: the timestamp an instant, the value a double. */
function typedFrame(): pl.DataFrame {
  const micro = expected.map((event) => Number(event.timestamp));
  return pl.DataFrame([
    pl.Series(
      'event_id',
      events.map((event) => event.event_id),
      pl.Utf8,
    ),
    pl.Series(
      'user_id',
      events.map((event) => event.user_id),
      pl.Utf8,
    ),
    pl.Series(
      'experiment_id',
      events.map((event) => event.experiment_id),
      pl.Utf8,
    ),
    pl.Series(
      'variant',
      events.map((event) => event.variant),
      pl.Utf8,
    ),
    pl.Series(
      'event_type',
      events.map((event) => event.event_type),
      pl.Utf8,
    ),
    pl.Series('timestamp', micro, pl.Float64).cast(pl.Int64).cast(pl.Datetime('us', 'UTC')),
    pl.Series(
      'value',
      events.map((event) => event.value),
      pl.Float64,
    ),
    pl.Series(
      'device',
      events.map((event) => event.device),
      pl.Utf8,
    ),
  ]);
}

describe('the same events in every format give the same curated frame', () => {
  let referenceIds: unknown[] = [];
  beforeAll(async () => {
    const file = await write('reference.csv', csvOf(events.map(textRecord)));
    const outcome = await readAndValidate(file, 'csv');
    referenceIds = withEventIds(outcome.accepted.lazy(), ['device'])
      .collectSync()
      .getColumn('event_id')
      .toArray();
  });

  it('row-hash ids are given where the file has none', () => {
    expect(referenceIds.slice(0, 2)).toEqual(['e1', 'e2']);
    expect(referenceIds[2]).toMatch(/^h[0-9]+$/);
    expect(referenceIds[3]).toMatch(/^h[0-9]+$/);
    expect(referenceIds[3]).not.toBe(referenceIds[2]);
  });

  it.each(Object.keys(writers))('%s', async (format) => {
    const writer = writers[format];
    if (writer === undefined) throw new Error(format);
    const [file, claimed] = await writer();
    const outcome = await readAndValidate(file, claimed);
    expect(outcome.rejections).toEqual([]);
    expect(outcome.accepted.schema).toEqual({
      event_id: pl.String,
      experiment_id: pl.String,
      user_id: pl.String,
      variant: pl.String,
      event_type: pl.String,
      timestamp: pl.Datetime('us', 'UTC'),
      value: pl.Float64,
      device: pl.String,
    });
    expect(plainEvents(outcome.accepted)).toEqual(expected);
    // The same rows hash to the same ids, so a later upload in another format deduplicates.
    expect(
      withEventIds(outcome.accepted.lazy(), ['device'])
        .collectSync()
        .getColumn('event_id')
        .toArray(),
    ).toEqual(referenceIds);
  });
});

describe('the same bad row is rejected alike in every format, at its own kind of line', () => {
  const good = {
    user_id: 'u1',
    experiment_id: 'exp1',
    variant: 'a',
    event_type: 'x',
    timestamp: '2026-01-01T10:00:00Z',
  };
  const bad = { ...good, user_id: 'u2', timestamp: '2026-02-30T10:00:00Z' };

  it.each([
    ['csv', async () => write('bad.csv', csvOf([good, bad])), 3],
    [
      'ndjson',
      async () => write('bad.ndjson', `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`),
      2,
    ],
    ['json', async () => write('bad.json', JSON.stringify([good, bad])), 2],
    [
      'parquet',
      async () => {
        const file = await write('bad.parquet', '');
        pl.DataFrame([good, bad]).writeParquet(file);
        return file;
      },
      2,
    ],
  ] as const)('%s', async (format, make, line) => {
    const outcome = await readAndValidate(await make(), format);
    expect(outcome.rejections).toEqual([
      { line, column: 'timestamp', value: '2026-02-30T10:00:00Z', reason: timestampReason },
    ]);
    expect(outcome.accepted.getColumn('user_id').toArray()).toEqual(['u1']);
  });
});

describe('which format an upload is', () => {
  it.each([
    ['text/csv', 'csv'],
    ['text/csv; charset=utf-8', 'csv'],
    ['TEXT/CSV', 'csv'],
    ['application/x-ndjson', 'ndjson'],
    ['application/ndjson', 'ndjson'],
    ['application/json', 'json'],
    ['application/json; charset=UTF-8', 'json'],
    ['application/vnd.apache.parquet', 'parquet'],
    ['text/plain', undefined],
    ['multipart/form-data; boundary=x', undefined],
    [undefined, undefined],
  ] as const)('media type %s -> %s', (mediaType, format) => {
    expect(formatFromMediaType(mediaType)).toBe(format);
  });

  it.each([
    ['events.csv', 'csv'],
    ['uploads/day1.NDJSON', 'ndjson'],
    ['a.jsonl', 'ndjson'],
    ['a.json', 'json'],
    ['dir.csv/a.parquet', 'parquet'],
    ['a.csv.gz', undefined],
    ['README', undefined],
  ] as const)('file name %s -> %s', (name, format) => {
    expect(formatFromFileName(name)).toBe(format);
  });
});
