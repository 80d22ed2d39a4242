/**
 * Messy but valid input is accepted whole (issue 3 "Bad input"; DESIGN.md "Events contract":
 * values are arbitrary strings kept as given, unknown columns kept, names case-insensitive).
 */
import { describe, expect, it } from 'vitest';
import { csvField, micros, plainEvents, readAndValidate, useTempFiles } from './helpers.ts';

const write = useTempFiles();

const bom = '\uFEFF';
const at10 = micros('2026-01-01T10:00:00Z');

/** The expected curated record of an event of experiment exp1 at 10:00Z without event id. */
const curated = (fields: Record<string, unknown>) => ({
  event_id: null,
  experiment_id: 'exp1',
  user_id: 'u1',
  variant: 'control',
  event_type: 'exposure',
  timestamp: at10,
  value: null,
  ...fields,
});

describe('messy CSV accepted whole', () => {
  it('a BOM, CRLF line ends, mixed-case headers, quoted commas, quotes and newlines', async () => {
    const text =
      `${bom}User_ID,EXPERIMENT_ID,Variant,event_TYPE,TimeStamp,Value,Device,"Note, free text"\r\n` +
      `u1,exp1,control,exposure,2026-01-01T10:00:00Z,,Mobile,"a, b"\r\n` +
      `u2,exp1,treatment,purchase,2026-01-01T10:00:00Z,12.5,desktop,"she said ""hi"""\r\n` +
      `u3,exp1,control,exposure,2026-01-01T10:00:00Z,,tablet,"line one\r\nline two\nline three"\r\n`;
    const file = await write('messy.csv', text);
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.rejections).toEqual([]);
    expect(outcome.attributes).toEqual(['device', 'note, free text']);
    expect(plainEvents(outcome.accepted)).toEqual([
      curated({ device: 'Mobile', 'note, free text': 'a, b' }),
      curated({
        user_id: 'u2',
        variant: 'treatment',
        event_type: 'purchase',
        value: 12.5,
        device: 'desktop',
        'note, free text': 'she said "hi"',
      }),
      curated({
        user_id: 'u3',
        device: 'tablet',
        'note, free text': 'line one\r\nline two\nline three',
      }),
    ]);
  });

  it('keeps spreadsheet-formula-looking values exactly as given', async () => {
    const formulas = ['=SUM(A1)', '+1', '-2', '@x', '=HYPERLINK("http://x","y")', "'quoted"];
    const rows = formulas.map(
      (formula, i) =>
        `u${i},exp1,${csvField(formula)},exposure,2026-01-01T10:00:00Z,${csvField(formula)}`,
    );
    const text = `user_id,experiment_id,variant,event_type,timestamp,channel\n${rows.join('\n')}\n`;
    const file = await write('formulas.csv', text);
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.rejections).toEqual([]);
    expect(outcome.accepted.getColumn('variant').toArray()).toEqual(formulas);
    expect(outcome.accepted.getColumn('channel').toArray()).toEqual(formulas);
  });

  it('keeps unicode values exactly (emoji, CJK, combining marks, right-to-left)', async () => {
    const values = ['🧪🚀', '実験グループ', 'e\u0301', 'مرحبا', '👩‍👩‍👧'];
    const rows = values.map(
      (value, i) => `ユーザー${i},exp1,${value},exposure,2026-01-01T10:00:00Z,${value}`,
    );
    const file = await write(
      'unicode.csv',
      `user_id,experiment_id,variant,event_type,timestamp,地域\n${rows.join('\n')}\n`,
    );
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.rejections).toEqual([]);
    expect(outcome.attributes).toEqual(['地域']);
    expect(outcome.accepted.getColumn('user_id').toArray()).toEqual(
      values.map((_, i) => `ユーザー${i}`),
    );
    expect(outcome.accepted.getColumn('variant').toArray()).toEqual(values);
    expect(outcome.accepted.getColumn('地域').toArray()).toEqual(values);
  });

  it('keeps a 3 MB field whole', async () => {
    const big = 'abc,"def"\n'.repeat(300_000);
    const text =
      `user_id,experiment_id,variant,event_type,timestamp,blob\n` +
      `u1,exp1,control,exposure,2026-01-01T10:00:00Z,${csvField(big)}\n` +
      `u2,exp1,control,exposure,2026-01-01T10:00:00Z,small\n`;
    const file = await write('big.csv', text);
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.rejections).toEqual([]);
    const blobs = outcome.accepted.getColumn('blob').toArray() as string[];
    expect(blobs[0]?.length).toBe(3_000_000);
    expect(blobs[0] === big).toBe(true);
    expect(blobs[1]).toBe('small');
  });

  it('keeps unknown columns as text attributes under lower-case names, sorted', async () => {
    const text =
      `Price_Bucket,user_id,experiment_id,variant,event_type,timestamp,GEO,device\n` +
      `00100,u1,exp1,control,exposure,2026-01-01T10:00:00Z,FR,\n`;
    const file = await write('attributes.csv', text);
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.attributes).toEqual(['device', 'geo', 'price_bucket']);
    expect(outcome.accepted.columns).toEqual([
      'event_id',
      'experiment_id',
      'user_id',
      'variant',
      'event_type',
      'timestamp',
      'value',
      'device',
      'geo',
      'price_bucket',
    ]);
    expect(plainEvents(outcome.accepted)).toEqual([
      curated({ device: null, geo: 'FR', price_bucket: '00100' }),
    ]);
  });

  it.each(['csv', 'ndjson'] as const)(
    'keeps %s attributes whose names look like working columns (__row, __reason, __Value)',
    async (format) => {
      const names = ['__row', '__reason', '__Value', '__timestamp'];
      const record = {
        user_id: 'u1',
        experiment_id: 'exp1',
        variant: 'control',
        event_type: 'exposure',
        timestamp: '2026-01-01T10:00:00Z',
        ...Object.fromEntries(names.map((name, i) => [name, `kept${i}`])),
      };
      const file = await write(
        `working-names.${format}`,
        format === 'csv'
          ? `${Object.keys(record).join(',')}\n${Object.values(record).join(',')}\n`
          : `${JSON.stringify(record)}\n`,
      );
      const outcome = await readAndValidate(file, format);
      expect(outcome.attributes).toEqual(['__reason', '__row', '__timestamp', '__value']);
      expect(plainEvents(outcome.accepted)).toEqual([
        curated({ __row: 'kept0', __reason: 'kept1', __value: 'kept2', __timestamp: 'kept3' }),
      ]);
    },
  );

  it('reads numbers-looking ids as text, leading zeros and all', async () => {
    const text =
      `user_id,experiment_id,variant,event_type,timestamp,event_id\n` +
      `007,exp1,01,exposure,2026-01-01T10:00:00Z,0001\n` +
      `9007199254740993,exp1,1.50,exposure,2026-01-01T10:00:00Z,9007199254740993\n`;
    const file = await write('ids.csv', text);
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.accepted.getColumn('user_id').toArray()).toEqual(['007', '9007199254740993']);
    expect(outcome.accepted.getColumn('variant').toArray()).toEqual(['01', '1.50']);
    expect(outcome.accepted.getColumn('event_id').toArray()).toEqual(['0001', '9007199254740993']);
  });

  it('keeps the header row out of the data even when the first rows are blank', async () => {
    const text = `user_id,experiment_id,variant,event_type,timestamp\n\n\nu1,exp1,control,exposure,2026-01-01T10:00:00Z\n`;
    const file = await write('leading-blank.csv', text);
    const outcome = await readAndValidate(file, 'csv');
    expect(outcome.rowsRead).toBe(1);
    expect(plainEvents(outcome.accepted)).toEqual([curated({})]);
  });
});

describe('messy JSON accepted whole', () => {
  it('NDJSON with a BOM, CRLF, mixed-case keys, nested values and unicode', async () => {
    const text =
      `${bom}{"User_ID":"u1","Experiment_ID":"exp1","VARIANT":"🧪","event_type":"exposure","timestamp":"2026-01-01T11:00:00+01:00","Meta":{"a":[1,2]},"flag":true,"n":3}\r\n` +
      `\r\n`;
    const file = await write('messy.ndjson', text);
    const outcome = await readAndValidate(file, 'ndjson');
    expect(outcome.rejections).toEqual([]);
    expect(outcome.attributes).toEqual(['flag', 'meta', 'n']);
    expect(plainEvents(outcome.accepted)).toEqual([
      curated({ variant: '🧪', meta: '{"a":[1,2]}', flag: 'true', n: '3' }),
    ]);
  });

  it('JSON array where records have different keys: absent attributes are null', async () => {
    const events = [
      {
        user_id: 'u1',
        experiment_id: 'exp1',
        variant: 'control',
        event_type: 'exposure',
        timestamp: 1767261600000,
        device: 'ios',
      },
      {
        user_id: 'u2',
        experiment_id: 'exp1',
        variant: 'control',
        event_type: 'exposure',
        timestamp: 1767261600000,
        geo: '=cmd',
      },
    ];
    const file = await write('sparse.json', JSON.stringify(events, null, 2));
    const outcome = await readAndValidate(file, 'json');
    expect(outcome.rejections).toEqual([]);
    expect(plainEvents(outcome.accepted)).toEqual([
      curated({ device: 'ios', geo: null }),
      curated({ user_id: 'u2', device: null, geo: '=cmd' }),
    ]);
  });
});
