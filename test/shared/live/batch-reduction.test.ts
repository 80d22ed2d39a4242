/**
 * What the monitor reads of a batch: the decisive events and the window rollups, computed in
 * polars and checked against hand counts, windows cut exactly at their boundaries.
 */
import pl from 'nodejs-polars';
import { describe, expect, it } from 'vitest';
import { batchRollups, decisiveEvents } from '../../../shared/live/batch-reduction.ts';
import { parseInstant, parseWindowSize, windowStart } from '../../../shared/live/time-windows.ts';

const frame = pl
  .DataFrame({
    user_id: ['u1', 'u1', 'u1', 'u2', 'u2', 'u2'],
    variant: ['a', 'a', 'a', 'b', 'b', 'a'],
    event_type: ['exposure', 'exposure', 'purchase', 'purchase', 'exposure', 'exposure'],
    timestamp: [
      new Date('2026-01-05T10:59:59.999Z'),
      new Date('2026-01-05T10:30:00Z'),
      new Date('2026-01-05T11:00:00Z'),
      new Date('2026-01-05T11:00:00.001Z'),
      new Date('2026-01-05T23:59:59Z'),
      new Date('2026-01-06T00:00:00Z'),
    ],
    value: [null, null, 12.5, 7.5, null, null],
  })
  .withColumns(pl.col('timestamp').cast(pl.Datetime('us', 'UTC')));

describe('batchRollups', () => {
  it('cuts windows exactly at their boundaries (UTC, aligned on the epoch)', () => {
    const hourly = batchRollups(frame)
      .filter((r) => r.window === '1h')
      .map((r) => [new Date(r.startMs).toISOString(), r.variant, r.event_type, r.count, r.sum])
      .sort();
    expect(hourly).toEqual([
      ['2026-01-05T10:00:00.000Z', 'a', 'exposure', 2, null],
      ['2026-01-05T11:00:00.000Z', 'a', 'purchase', 1, 12.5],
      ['2026-01-05T11:00:00.000Z', 'b', 'purchase', 1, 7.5],
      ['2026-01-05T23:00:00.000Z', 'b', 'exposure', 1, null],
      ['2026-01-06T00:00:00.000Z', 'a', 'exposure', 1, null],
    ]);
    const daily = batchRollups(frame).filter(
      (r) => r.window === '1d' && r.event_type === 'exposure',
    );
    expect(
      daily.map((r) => [new Date(r.startMs).toISOString(), r.variant, r.count]).sort(),
    ).toEqual([
      ['2026-01-05T00:00:00.000Z', 'a', 2],
      ['2026-01-05T00:00:00.000Z', 'b', 1],
      ['2026-01-06T00:00:00.000Z', 'a', 1],
    ]);
    for (const rollup of batchRollups(frame)) {
      expect(windowStart(rollup.startMs, rollup.window)).toBe(rollup.startMs);
    }
  });
});

describe('decisiveEvents', () => {
  it('keeps the first exposure per (user, variant) and the last success per user, within the window', () => {
    const events = decisiveEvents(frame, {
      exposureEvent: 'exposure',
      successEvent: 'purchase',
      endUs: Date.parse('2026-01-05T23:00:00Z') * 1000,
    });
    expect(
      events
        .map((e) => [
          e.user_id,
          e.variant,
          e.event_type,
          new Date(e.timestamp_us / 1000).toISOString(),
        ])
        .sort(),
    ).toEqual([
      ['u1', 'a', 'exposure', '2026-01-05T10:30:00.000Z'],
      ['u1', 'a', 'purchase', '2026-01-05T11:00:00.000Z'],
      ['u2', 'b', 'purchase', '2026-01-05T11:00:00.001Z'],
    ]);
  });
});

describe('the query parameters', () => {
  it('reads window sizes and instants, and refuses anything else with a 400', () => {
    expect(parseWindowSize('15m')).toBe('15m');
    expect(() => parseWindowSize('2h')).toThrow(/window must be one of 1m, 5m, 15m, 1h, 1d/);
    expect(() => parseWindowSize(null)).toThrow(/window must be/);
    expect(parseInstant('from', '2026-01-05T11:00:00+01:00')).toBe(
      Date.parse('2026-01-05T10:00:00Z'),
    );
    expect(parseInstant('to', '1767610800000')).toBe(1767610800000);
    expect(parseInstant('to', null)).toBeUndefined();
    expect(() => parseInstant('from', '2026-01-05')).toThrow(/from must be ISO-8601/);
  });
});
