/**
 * The streaming reducer: idempotent, order-independent, the batch analysis's window and exposure
 * rules, and the snapshot's posterior and comparison.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emptyPosteriorState,
  markTicked,
  snapshot,
  update,
  type LiveEvent,
  type ReducerRules,
} from '../../../shared/live/posterior-reducer.ts';
import { bayesianBinomialComparison } from '../../../shared/stats/bayesian-beta-comparison.ts';

const rules: ReducerRules = { exposureEvent: 'exposure', successEvent: 'purchase' };
const ev = (user: string, variant: string, type: string, t: number): LiveEvent => ({
  user_id: user,
  variant,
  event_type: type,
  timestamp_us: t,
});

/** The rules written out per user, the slow way: an independent tally. */
function tally(events: readonly LiveEvent[], r: ReducerRules) {
  const inWindow = events.filter(
    (e) =>
      (r.startUs === undefined || e.timestamp_us >= r.startUs) &&
      (r.endUs === undefined || e.timestamp_us <= r.endUs),
  );
  const counts = new Map<string, { exposures: number; successes: number }>();
  for (const user of new Set(inWindow.map((e) => e.user_id))) {
    const own = inWindow.filter((e) => e.user_id === user);
    const exposures = own.filter((e) => e.event_type === r.exposureEvent);
    if (exposures.length === 0) continue;
    if (new Set(exposures.map((e) => e.variant)).size > 1) continue;
    const first = Math.min(...exposures.map((e) => e.timestamp_us));
    const converted = own.some((e) => e.event_type === r.successEvent && e.timestamp_us >= first);
    const variant = exposures[0]?.variant ?? '';
    const c = counts.get(variant) ?? { exposures: 0, successes: 0 };
    counts.set(variant, {
      exposures: c.exposures + 1,
      successes: c.successes + (converted ? 1 : 0),
    });
  }
  return counts;
}

const arbitraryEvents = fc.array(
  fc.record({
    user_id: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'u6'),
    variant: fc.constantFrom('control', 'b'),
    event_type: fc.constantFrom('exposure', 'purchase', 'page_view'),
    timestamp_us: fc.integer({ min: 0, max: 100 }),
  }),
  { maxLength: 40 },
);

describe('update', () => {
  it('counts first exposures and successes at or after them, leaving out two-variant users', () => {
    const state = update(
      emptyPosteriorState,
      [
        ev('u1', 'control', 'exposure', 10),
        ev('u1', 'control', 'purchase', 10), // at the exposure instant: counts
        ev('u2', 'b', 'purchase', 5), // before the exposure: does not count
        ev('u2', 'b', 'exposure', 6),
        ev('u3', 'b', 'exposure', 1),
        ev('u3', 'control', 'exposure', 2), // two variants: excluded
        ev('u4', 'b', 'purchase', 3), // never exposed
      ],
      rules,
    );
    expect(Object.fromEntries(state.arms)).toEqual({
      control: { exposures: 1, successes: 1 },
      b: { exposures: 1, successes: 0 },
    });
  });

  it('applies the window: events outside it count for nothing', () => {
    const windowed = { ...rules, startUs: 10, endUs: 20 };
    const state = update(
      emptyPosteriorState,
      [
        ev('u1', 'b', 'exposure', 5),
        ev('u1', 'b', 'exposure', 12),
        ev('u1', 'b', 'purchase', 21),
        ev('u2', 'b', 'exposure', 20),
        ev('u2', 'b', 'purchase', 20),
      ],
      windowed,
    );
    expect(state.arms.get('b')).toEqual({ exposures: 2, successes: 1 });
  });

  it('agrees with the per-user rules for any events', () => {
    fc.assert(
      fc.property(arbitraryEvents, (events) => {
        const state = update(emptyPosteriorState, events, rules);
        const expected = tally(events, rules);
        const nonZero = [...state.arms].filter(([, c]) => c.exposures > 0);
        expect(Object.fromEntries(nonZero)).toEqual(Object.fromEntries(expected));
      }),
    );
  });

  it('is idempotent and order-independent, however the events are split into batches', () => {
    fc.assert(
      fc.property(arbitraryEvents, fc.integer({ min: 1, max: 5 }), (events, cut) => {
        const once = update(emptyPosteriorState, events, rules);
        const reversed = [...events].reverse();
        let split = emptyPosteriorState;
        for (let i = 0; i < reversed.length; i += cut) {
          split = update(split, reversed.slice(i, i + cut), rules);
        }
        const twice = update(once, events, rules);
        // A variant whose users all left it keeps a zero entry, whatever the order.
        const counted = (arms: typeof once.arms) =>
          Object.fromEntries([...arms].filter(([, c]) => c.exposures > 0));
        expect(counted(split.arms)).toEqual(counted(once.arms));
        expect(Object.fromEntries(twice.arms)).toEqual(Object.fromEntries(once.arms));
        expect(Object.fromEntries(split.users)).toEqual(Object.fromEntries(once.users));
      }),
    );
  });

  it('does not change the state it is given', () => {
    const before = update(emptyPosteriorState, [ev('u1', 'b', 'exposure', 1)], rules);
    update(before, [ev('u1', 'control', 'exposure', 0)], rules);
    expect(before.arms.get('b')).toEqual({ exposures: 1, successes: 0 });
  });
});

describe('snapshot', () => {
  it('gives the Beta posterior, the comparison with the control and the counts since the last tick', () => {
    const events = [
      ...Array.from({ length: 20 }, (_, i) => ev(`c${i}`, 'control', 'exposure', i)),
      ...Array.from({ length: 3 }, (_, i) => ev(`c${i}`, 'control', 'purchase', 50)),
      ...Array.from({ length: 15 }, (_, i) => ev(`t${i}`, 'b', 'exposure', i)),
      ...Array.from({ length: 7 }, (_, i) => ev(`t${i}`, 'b', 'purchase', 50)),
    ];
    const first = update(emptyPosteriorState, events.slice(0, 30), rules);
    const ticked = markTicked(first);
    const state = update(ticked, events.slice(30), rules);
    const rows = snapshot(state, 'control', '2026-01-01T00:00:00.000Z');
    const expected = bayesianBinomialComparison({ n: 20, successes: 3 }, { n: 15, successes: 7 });
    expect(rows).toEqual([
      {
        variant: 'b',
        tick_at: '2026-01-01T00:00:00.000Z',
        exposures: 15,
        successes: 7,
        alpha: 8,
        beta: 9,
        probability_beat_control: expected.probBeatControl,
        expected_loss: expected.expectedLoss,
        incremental_exposures: 8,
        incremental_successes: 7,
      },
      {
        variant: 'control',
        tick_at: '2026-01-01T00:00:00.000Z',
        exposures: 20,
        successes: 3,
        alpha: 4,
        beta: 18,
        probability_beat_control: null,
        expected_loss: null,
        incremental_exposures: 0,
        incremental_successes: 0,
      },
    ]);
    // P(b > control) for Beta(8, 9) against Beta(4, 18): well above one half.
    expect(expected.probBeatControl).toBeGreaterThan(0.95);
  });
});
