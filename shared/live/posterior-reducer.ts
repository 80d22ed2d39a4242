/**
 * The streaming posteriors (issue 14, seed 000): one incremental reducer over events, giving per
 * (experiment, variant) the exposed and converted users under the batch analysis's rules
 * (DESIGN.md "Statistics conventions"): a user enters at their first exposure and belongs to
 * its variant; a user exposed in two variants is left out; a success event counts at or after
 * the first exposure; events outside the window count for nothing. The Beta(1 + successes,
 * 1 + exposures - successes) posteriors, P(beat control) and expected loss come from
 * shared/stats, the same functions the batch analysis uses.
 *
 * Each user's state is a few minima and maxima (lowest and highest exposure variant, first
 * exposure, last success), so applying an event twice, or events in any order, gives the same
 * state: the reducer is idempotent by construction, an event id seen before changes nothing.
 */
import { compareText } from '../analysis/experiment-definition.ts';
import { bayesianBinomialComparison } from '../stats/bayesian-beta-comparison.ts';

/** One event as the reducer reads it. */
export interface LiveEvent {
  readonly user_id: string;
  readonly variant: string;
  readonly event_type: string;
  /** Epoch microseconds (the curated Parquet's resolution). */
  readonly timestamp_us: number;
}

/** Which events count: the exposure and success event types and the window (inclusive). */
export interface ReducerRules {
  readonly exposureEvent: string;
  readonly successEvent: string;
  readonly startUs?: number | undefined;
  readonly endUs?: number | undefined;
}

/** What the reducer keeps of one user. */
export interface LiveUser {
  readonly variantLow: string | null;
  readonly variantHigh: string | null;
  readonly firstExposureUs: number | null;
  readonly lastSuccessUs: number | null;
}

/** Exposed and converted users of one variant. */
export interface ArmCounts {
  readonly exposures: number;
  readonly successes: number;
}

/** The reducer's state: users, the counts per variant, and the counts at the last tick. */
export interface PosteriorState {
  readonly users: ReadonlyMap<string, LiveUser>;
  readonly arms: ReadonlyMap<string, ArmCounts>;
  readonly ticked: ReadonlyMap<string, ArmCounts>;
}

/** One row of a snapshot, as every sink writes it. */
export interface PosteriorSnapshot {
  readonly variant: string;
  readonly tick_at: string;
  readonly exposures: number;
  readonly successes: number;
  readonly alpha: number;
  readonly beta: number;
  /** Null for the control, and for any arm while the control has no exposure. */
  readonly probability_beat_control: number | null;
  readonly expected_loss: number | null;
  readonly incremental_exposures: number;
  readonly incremental_successes: number;
}

/** The state before any event. */
export const emptyPosteriorState: PosteriorState = {
  users: new Map(),
  arms: new Map(),
  ticked: new Map(),
};

const noUser: LiveUser = {
  variantLow: null,
  variantHigh: null,
  firstExposureUs: null,
  lastSuccessUs: null,
};

/**
 * Applies events to the state. Events of other types, or outside the window, change nothing.
 * @param state - the state so far (not changed)
 * @param events - the new events, in any order, repeats allowed
 * @param rules - exposure and success events and the window
 * @returns the new state
 * @example update(emptyPosteriorState, [{ user_id: 'u1', variant: 'a', event_type: 'exposure', timestamp_us: 0 }], rules).arms.get('a') // { exposures: 1, successes: 0 }
 */
export function update(
  state: PosteriorState,
  events: readonly LiveEvent[],
  rules: ReducerRules,
): PosteriorState {
  const touched = new Map<string, LiveUser>();
  for (const event of events) {
    const user = touched.get(event.user_id) ?? state.users.get(event.user_id) ?? noUser;
    const next = applyEvent(user, event, rules);
    if (next !== user) touched.set(event.user_id, next);
  }
  if (touched.size === 0) return state;
  const users = new Map(state.users);
  const arms = new Map(state.arms);
  for (const [userId, next] of touched) {
    const before = contribution(state.users.get(userId) ?? noUser);
    const after = contribution(next);
    if (before !== null) addTo(arms, before.variant, -1, before.converted ? -1 : 0);
    if (after !== null) addTo(arms, after.variant, 1, after.converted ? 1 : 0);
    users.set(userId, next);
  }
  return { users, arms, ticked: state.ticked };
}

/**
 * Folds one event into a user's state (the rule {@link update} applies per event, and the
 * database's upsert mirrors with LEAST and GREATEST).
 * @param user - the user's state
 * @param event - the event
 * @param rules - exposure and success events and the window
 * @returns the new state, or the same object when nothing changed
 * @example applyEvent(noUser, exposure, rules).firstExposureUs
 */
export function applyEvent(user: LiveUser, event: LiveEvent, rules: ReducerRules): LiveUser {
  const t = event.timestamp_us;
  if (rules.startUs !== undefined && t < rules.startUs) return user;
  if (rules.endUs !== undefined && t > rules.endUs) return user;
  let next = user;
  if (event.event_type === rules.exposureEvent) {
    next = mergeUser(next, {
      variantLow: event.variant,
      variantHigh: event.variant,
      firstExposureUs: t,
      lastSuccessUs: null,
    });
  }
  if (event.event_type === rules.successEvent) {
    next = mergeUser(next, { ...noUser, lastSuccessUs: t });
  }
  return next;
}

/**
 * Merges two partial states of one user: minima and maxima, so the merge is commutative,
 * associative and idempotent.
 * @param a - one state
 * @param b - another
 * @returns the merged state (`a` itself when `b` adds nothing)
 * @example mergeUser(a, a) === a // true
 */
export function mergeUser(a: LiveUser, b: LiveUser): LiveUser {
  const merged: LiveUser = {
    variantLow: least(a.variantLow, b.variantLow),
    variantHigh: greatest(a.variantHigh, b.variantHigh),
    firstExposureUs: least(a.firstExposureUs, b.firstExposureUs),
    lastSuccessUs: greatest(a.lastSuccessUs, b.lastSuccessUs),
  };
  return merged.variantLow === a.variantLow &&
    merged.variantHigh === a.variantHigh &&
    merged.firstExposureUs === a.firstExposureUs &&
    merged.lastSuccessUs === a.lastSuccessUs
    ? a
    : merged;
}

/**
 * What a user adds to the counts: nothing before an exposure or when exposed in two variants;
 * else one exposure of their variant, converted when a success came at or after it.
 * @param user - the user's state
 * @returns the variant and whether converted, or null
 * @example contribution({ variantLow: 'a', variantHigh: 'a', firstExposureUs: 1, lastSuccessUs: 1 }) // { variant: 'a', converted: true }
 */
export function contribution(user: LiveUser): { variant: string; converted: boolean } | null {
  if (user.firstExposureUs === null || user.variantLow === null) return null;
  if (user.variantLow !== user.variantHigh) return null;
  return {
    variant: user.variantLow,
    converted: user.lastSuccessUs !== null && user.lastSuccessUs >= user.firstExposureUs,
  };
}

/**
 * The snapshot of a tick: per variant, sorted, the cumulative and incremental counts (since the
 * last {@link markTicked}), the posterior's shape and, for a treatment, P(beat control) and the
 * expected loss of shipping it.
 * @param state - the state
 * @param control - the control variant
 * @param tickAt - the tick's time (ISO-8601)
 * @param variants - variants to show even without exposures (the definition's)
 * @returns one row per variant
 * @example snapshot(state, 'control', '2026-01-01T00:00:00.000Z')
 */
export function snapshot(
  state: Pick<PosteriorState, 'arms' | 'ticked'>,
  control: string,
  tickAt: string,
  variants: readonly string[] = [],
): PosteriorSnapshot[] {
  const names = [...new Set([...state.arms.keys(), ...variants])].sort(compareText);
  const controlCounts = state.arms.get(control) ?? { exposures: 0, successes: 0 };
  return names.map((variant) => {
    const counts = state.arms.get(variant) ?? { exposures: 0, successes: 0 };
    const ticked = state.ticked.get(variant) ?? { exposures: 0, successes: 0 };
    const comparison =
      variant === control || controlCounts.exposures === 0 || counts.exposures === 0
        ? null
        : bayesianBinomialComparison(
            { n: controlCounts.exposures, successes: controlCounts.successes },
            { n: counts.exposures, successes: counts.successes },
          );
    return {
      variant,
      tick_at: tickAt,
      exposures: counts.exposures,
      successes: counts.successes,
      alpha: 1 + counts.successes,
      beta: 1 + counts.exposures - counts.successes,
      probability_beat_control: comparison?.probBeatControl ?? null,
      expected_loss: comparison?.expectedLoss ?? null,
      incremental_exposures: counts.exposures - ticked.exposures,
      incremental_successes: counts.successes - ticked.successes,
    };
  });
}

/**
 * The state after a tick: the counts now become the base of the next incremental counts.
 * @param state - the state
 * @returns the state with `ticked` set to the current counts
 * @example const next = markTicked(state)
 */
export function markTicked(state: PosteriorState): PosteriorState {
  return { ...state, ticked: new Map(state.arms) };
}

function addTo(
  arms: Map<string, ArmCounts>,
  variant: string,
  exposures: number,
  successes: number,
) {
  const counts = arms.get(variant) ?? { exposures: 0, successes: 0 };
  arms.set(variant, {
    exposures: counts.exposures + exposures,
    successes: counts.successes + successes,
  });
}

function least<T extends string | number>(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return b < a ? b : a;
}

function greatest<T extends string | number>(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return b > a ? b : a;
}
