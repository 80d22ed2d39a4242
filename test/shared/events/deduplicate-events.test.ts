/**
 * Deduplication (DESIGN.md "Events contract" and "The result document"): an event's id is its
 * `event_id` or a hash of the row; a duplicate is an id seen before in the same experiment, in
 * this batch or an earlier one; it is counted, not rejected, and accepted + rejected +
 * duplicates is the number of rows read.
 */
import pl from 'nodejs-polars';
import { describe, expect, it } from 'vitest';
import {
  deduplicateEvents,
  withEventIds,
  type ExperimentEvents,
} from '../../../shared/events/deduplicate-events.ts';
import { csvOf, readAndValidate, useTempFiles, validEvent } from './helpers.ts';

const write = useTempFiles();

const noEarlier = async () => undefined;

/** Reads a CSV, assigns ids and deduplicates it; returns the parts and the counts. */
async function dedupe(
  name: string,
  records: readonly Readonly<Record<string, string>>[],
  earlier: (experimentId: string) => Promise<pl.LazyDataFrame | undefined> = noEarlier,
) {
  const file = await write(name, csvOf(records));
  const outcome = await readAndValidate(file, 'csv');
  const lazyEvents = withEventIds(
    outcome.accepted.lazy().withRowIndex('__Row'),
    outcome.attributes,
  );
  const lazyParts = await deduplicateEvents(lazyEvents, earlier);
  const parts = await Promise.all(
    lazyParts.map(async (part) => ({ ...part, events: await part.events.collect() })),
  );
  return { outcome, events: (await lazyEvents.collect()).drop('__Row'), parts };
}

type CollectedPart = Omit<ExperimentEvents, 'events'> & { readonly events: pl.DataFrame };

const summary = (parts: readonly CollectedPart[]) =>
  parts.map((part) => ({
    experimentId: part.experimentId,
    kept: part.events.getColumn('user_id').toArray(),
    duplicates: part.duplicates,
  }));

describe('duplicates by event_id', () => {
  it('counts a repeated event_id within a batch once, keeping the first in file order', async () => {
    const { parts } = await dedupe('within.csv', [
      { ...validEvent, event_id: 'e1', user_id: 'first' },
      { ...validEvent, event_id: 'e2', user_id: 'other' },
      { ...validEvent, event_id: 'e1', user_id: 'second' },
      { ...validEvent, event_id: 'e1', user_id: 'third' },
    ]);
    expect(summary(parts)).toEqual([
      { experimentId: 'exp1', kept: ['first', 'other'], duplicates: 2 },
    ]);
  });

  it('is per experiment: the same event_id in two experiments is two events', async () => {
    const { parts } = await dedupe('two-experiments.csv', [
      { ...validEvent, experiment_id: 'zeta', event_id: 'e1', user_id: 'z1' },
      { ...validEvent, experiment_id: 'alpha', event_id: 'e1', user_id: 'a1' },
      { ...validEvent, experiment_id: 'alpha', event_id: 'e1', user_id: 'a2' },
    ]);
    expect(summary(parts)).toEqual([
      { experimentId: 'alpha', kept: ['a1'], duplicates: 1 },
      { experimentId: 'zeta', kept: ['z1'], duplicates: 0 },
    ]);
  });

  it('drops event ids an earlier batch of the experiment holds', async () => {
    const asked: string[] = [];
    const { parts } = await dedupe(
      'earlier.csv',
      [
        { ...validEvent, event_id: 'old-1', user_id: 'a' },
        { ...validEvent, event_id: 'new-1', user_id: 'b' },
        { ...validEvent, event_id: 'old-2', user_id: 'c' },
        { ...validEvent, event_id: 'new-1', user_id: 'd' },
        { ...validEvent, experiment_id: 'exp2', event_id: 'old-1', user_id: 'e' },
      ],
      async (experimentId) => {
        asked.push(experimentId);
        return experimentId === 'exp1'
          ? pl.DataFrame({ event_id: ['old-1', 'old-2', 'old-2', 'unrelated'] }).lazy()
          : undefined;
      },
    );
    expect(asked).toEqual(['exp1', 'exp2']);
    expect(summary(parts)).toEqual([
      { experimentId: 'exp1', kept: ['b'], duplicates: 3 },
      { experimentId: 'exp2', kept: ['e'], duplicates: 0 },
    ]);
  });

  it('keeps the given event_id and hashes only rows whose event_id is blank', async () => {
    const { events } = await dedupe('blank-ids.csv', [
      { ...validEvent, event_id: 'given', user_id: 'a' },
      { ...validEvent, event_id: '', user_id: 'b' },
      { ...validEvent, event_id: '   ', user_id: 'c' },
    ]);
    const ids = events.getColumn('event_id').toArray() as string[];
    expect(ids[0]).toBe('given');
    expect(ids[1]).toMatch(/^h[0-9]{1,20}$/);
    expect(ids[2]).toMatch(/^h[0-9]{1,20}$/);
    expect(ids[1]).not.toBe(ids[2]);
  });
});

describe('duplicates by row hash (no event_id)', () => {
  const base = { ...validEvent, value: '12.5', device: 'ios' };

  it('the same row twice is one event and one duplicate', async () => {
    const { parts, events } = await dedupe('same-row.csv', [base, base]);
    const ids = events.getColumn('event_id').toArray() as string[];
    expect(ids[0]).toMatch(/^h[0-9]{1,20}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(summary(parts)).toEqual([{ experimentId: 'exp1', kept: ['u1'], duplicates: 1 }]);
  });

  it('rows equal once normalised (offset, epoch, number spelling) are duplicates', async () => {
    const { parts } = await dedupe('normalised.csv', [
      base,
      { ...base, timestamp: '2026-01-01T11:00:00+01:00', value: '1.25e1' },
      { ...base, timestamp: '1767261600000', value: '12.50' },
    ]);
    expect(summary(parts)).toEqual([{ experimentId: 'exp1', kept: ['u1'], duplicates: 2 }]);
  });

  it.each([
    ['user_id', { user_id: 'u2' }],
    ['variant', { variant: 'treatment' }],
    ['event_type', { event_type: 'purchase' }],
    ['timestamp by a microsecond', { timestamp: '2026-01-01T10:00:00.000001Z' }],
    ['value', { value: '12.6' }],
    ['value empty', { value: '' }],
    ['an attribute', { device: 'android' }],
    ['an attribute empty', { device: '' }],
  ])('rows differing in %s are not duplicates', async (_what, change) => {
    const { parts } = await dedupe(`differ-${_what.replace(/\W+/g, '_')}.csv`, [
      base,
      { ...base, ...change },
    ]);
    expect(parts.map((part) => [part.events.height, part.duplicates])).toEqual([[2, 0]]);
  });

  it('gives the same row the same hash in another file (so earlier batches match)', async () => {
    const first = await dedupe('hash-a.csv', [base, { ...base, user_id: 'u9' }]);
    const second = await dedupe('hash-b.csv', [{ ...base, user_id: 'u9' }]);
    expect(second.events.getColumn('event_id').toArray()[0]).toBe(
      first.events.getColumn('event_id').toArray()[1],
    );
    const again = await dedupe('hash-c.csv', [{ ...base, user_id: 'u9' }, base], async () =>
      first.events.select('event_id').lazy(),
    );
    expect(summary(again.parts)).toEqual([{ experimentId: 'exp1', kept: [], duplicates: 2 }]);
  });

  it('does not mistake a value split differently across fields for the same row', async () => {
    const { parts } = await dedupe('split.csv', [
      { ...base, user_id: 'ab', variant: 'c' },
      { ...base, user_id: 'a', variant: 'bc' },
    ]);
    expect(parts.map((part) => part.duplicates)).toEqual([0]);
  });
});

describe('accepted + rejected + duplicates = rows read', () => {
  it('holds for a file mixing all three', async () => {
    const records = [
      { ...validEvent, event_id: 'e1', user_id: 'a', value: '1' },
      { ...validEvent, event_id: 'e1', user_id: 'a', value: '1' },
      { ...validEvent, event_id: 'e2', user_id: 'b', value: '-1' },
      { ...validEvent, event_id: '', user_id: 'c', value: '' },
      { ...validEvent, event_id: '', user_id: 'c', value: '' },
      { ...validEvent, event_id: 'e3', user_id: '', value: '2' },
      { ...validEvent, event_id: 'old', user_id: 'd', value: '3' },
      { ...validEvent, experiment_id: 'exp2', event_id: 'e1', user_id: 'e', value: '' },
      { ...validEvent, event_id: 'e4', user_id: 'f', timestamp: 'never' },
    ];
    const { outcome, parts } = await dedupe('invariant.csv', records, async (experimentId) =>
      experimentId === 'exp1' ? pl.DataFrame({ event_id: ['old'] }).lazy() : undefined,
    );
    const accepted = parts.reduce((sum, part) => sum + part.events.height, 0);
    const duplicates = parts.reduce((sum, part) => sum + part.duplicates, 0);
    expect({ accepted, rejected: outcome.rejections.length, duplicates }).toEqual({
      accepted: 3,
      rejected: 3,
      duplicates: 3,
    });
    expect(accepted + outcome.rejections.length + duplicates).toBe(outcome.rowsRead);
    expect(outcome.rowsRead).toBe(records.length);
  });
});
