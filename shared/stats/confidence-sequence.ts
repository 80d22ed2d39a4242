/**
 * Always-valid inference for an experiment watched look by look: the asymptotic confidence
 * sequence of Waudby-Smith et al. (2023) with the normal-mixture boundary, its always-valid
 * p-value, and the running intersection / minimum across looks. The running state is a small
 * value a caller stores (e.g. in the database) and updates at each look.
 */

/** One look: the estimate (a difference of means), its variance, and units so far. */
export interface SequentialLook {
  readonly estimate: number;
  /** Variance of the estimate (se^2); null when it could not be computed. */
  readonly variance: number | null;
  /** Units so far, >= 1. */
  readonly n: number;
}

/** The confidence sequence and p-value at one look, and their running values so far. */
export interface SequentialLookResult {
  /** Half-width of this look's interval; null when the look has no variance. */
  readonly halfWidth: number | null;
  /** This look's always-valid p-value; null when undefined (no variance, or 0 / 0). */
  readonly pValue: number | null;
  /** Running maximum of estimate - halfWidth over the looks so far. */
  readonly ciLow: number | null;
  /** Running minimum of estimate + halfWidth over the looks so far. */
  readonly ciHigh: number | null;
  /** Running minimum of the p-values so far. */
  readonly pValueRunning: number | null;
}

/** What to keep between looks: the running bounds and p-value (null before any valid look). */
export interface SequentialState {
  readonly looks: number;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly pValue: number | null;
}

/** The state before the first look. */
export const INITIAL_SEQUENTIAL_STATE: SequentialState = Object.freeze({
  looks: 0,
  ciLow: null,
  ciHigh: null,
  pValue: null,
});

/**
 * The mixture's tuning rho^2 = (-2 ln alpha + ln(1 - 2 ln alpha)) / n_planned, which makes the
 * boundary tightest near the planned sample size.
 * Source: Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas (2023), "Time-uniform central limit
 * theory and asymptotic confidence sequences", Annals of Statistics 51(1) (the rho that
 * minimises the boundary's width at n_planned); the reference README's "Decision statistics".
 * @param nPlanned - planned units, > 0
 * @param alpha - the level, in (0, 1)
 * @returns rho^2
 * @throws RangeError for nPlanned <= 0 or alpha outside (0, 1)
 * @example sequentialRho2(20000, 0.05) // 0.00039680773008687827
 */
export function sequentialRho2(nPlanned: number, alpha: number): number {
  if (!(nPlanned > 0 && Number.isFinite(nPlanned))) throw new RangeError('n_planned must be > 0');
  if (!(alpha > 0 && alpha < 1)) throw new RangeError('alpha must be in (0, 1)');
  const logAlpha = Math.log(alpha);
  return (-2 * logAlpha + Math.log(1 - 2 * logAlpha)) / nPlanned;
}

/**
 * One look's half-width and always-valid p-value, k = n rho^2:
 * half_width = sqrt(v 2 (k + 1) ln(sqrt(k + 1) / alpha) / k),
 * p = min(1, sqrt(k + 1) exp(-estimate^2 k / (2 v (k + 1)))) (formed in logs).
 * Source: Waudby-Smith et al. (2023), the asymptotic confidence sequence with the normal-mixture
 * boundary; the p-value is the smallest alpha whose sequence excludes 0 (Howard, Ramdas,
 * McAuliffe & Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic confidence sequences",
 * Annals of Statistics 49(2)).
 * @param look - estimate, variance, n
 * @param rho2 - see {@link sequentialRho2}
 * @param alpha - the level
 * @returns half-width and p-value (null when the variance is missing or negative; p null for
 * estimate 0 with variance 0)
 * @throws RangeError when n < 1
 * @example sequentialLookBounds({ estimate: 0.047649, variance: 0.003941745, n: 1589 }, 0.00039680773008687827, 0.05).halfWidth // 0.2570136280364718
 */
export function sequentialLookBounds(
  look: SequentialLook,
  rho2: number,
  alpha: number,
): { readonly halfWidth: number | null; readonly pValue: number | null } {
  if (!(look.n >= 1)) throw new RangeError('a look needs n >= 1');
  const v = look.variance;
  if (v === null || !(v >= 0) || !Number.isFinite(v) || !Number.isFinite(look.estimate)) {
    return { halfWidth: null, pValue: null };
  }
  const k = look.n * rho2;
  const halfWidth = Math.sqrt(((v * (k + 1)) / k) * (Math.log(k + 1) - 2 * Math.log(alpha)));
  const exponent = (look.estimate * look.estimate * k) / (2 * v * (k + 1));
  const logP = 0.5 * Math.log(k + 1) - exponent;
  return {
    halfWidth: Number.isFinite(halfWidth) ? halfWidth : null,
    pValue: Number.isNaN(logP) ? null : Math.min(1, Math.exp(logP)),
  };
}

const maxOf = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.max(a, b);
const minOf = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.min(a, b);

/**
 * Takes one look: its bounds, and the running intersection of the intervals and minimum of the
 * p-values with the state so far (a look without a variance leaves the running values as they
 * were). The running interval may come out empty (ci_low > ci_high) when the looks disagree.
 * Source: Waudby-Smith et al. (2023) (the running intersection of a confidence sequence is
 * one); Howard et al. (2021) (the running minimum of an always-valid p-value is one).
 * @param state - the state after the previous looks ({@link INITIAL_SEQUENTIAL_STATE} at first)
 * @param look - this look
 * @param rho2 - see {@link sequentialRho2}
 * @param alpha - the level
 * @returns this look's result and the new state
 * @throws RangeError when n < 1
 * @example updateSequentialState(INITIAL_SEQUENTIAL_STATE, { estimate: 0.05, variance: 0.004, n: 1589 }, 0.000397, 0.05).state.looks // 1
 */
export function updateSequentialState(
  state: SequentialState,
  look: SequentialLook,
  rho2: number,
  alpha: number,
): { readonly result: SequentialLookResult; readonly state: SequentialState } {
  const { halfWidth, pValue } = sequentialLookBounds(look, rho2, alpha);
  const next: SequentialState = {
    looks: state.looks + 1,
    ciLow: halfWidth === null ? state.ciLow : maxOf(state.ciLow, look.estimate - halfWidth),
    ciHigh: halfWidth === null ? state.ciHigh : minOf(state.ciHigh, look.estimate + halfWidth),
    pValue: minOf(state.pValue, pValue),
  };
  return {
    result: {
      halfWidth,
      pValue,
      ciLow: next.ciLow,
      ciHigh: next.ciHigh,
      pValueRunning: next.pValue,
    },
    state: next,
  };
}

/**
 * The confidence sequence over a list of looks in order.
 * Source: see {@link updateSequentialState}.
 * @param looks - the looks, in time order
 * @param nPlanned - planned units
 * @param alpha - the level
 * @returns rho^2, one result per look, and the final state
 * @throws RangeError for invalid nPlanned, alpha or n
 * @example confidenceSequence([{ estimate: 0.05, variance: 0.004, n: 1589 }], 20000, 0.05).looks.length // 1
 */
export function confidenceSequence(
  looks: readonly SequentialLook[],
  nPlanned: number,
  alpha: number,
): {
  readonly rho2: number;
  readonly looks: readonly SequentialLookResult[];
  readonly state: SequentialState;
} {
  const rho2 = sequentialRho2(nPlanned, alpha);
  let state = INITIAL_SEQUENTIAL_STATE;
  const results = looks.map((look) => {
    const step = updateSequentialState(state, look, rho2, alpha);
    state = step.state;
    return step.result;
  });
  return { rho2, looks: results, state };
}
