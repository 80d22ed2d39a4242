/**
 * Fixed-horizon sample size of an experiment with one control and k - 1 treatments: the control
 * size at which each treatment-versus-control test, at the Bonferroni level alpha / (k - 1),
 * reaches the power for a relative minimum detectable effect.
 */
import { brentRoot } from './root-finding.ts';
import { cohensH, testPower, type PowerTest } from './test-power.ts';

/** The metric a power calculation is for: a baseline rate, or a mean with its sd. */
export type PowerMetric =
  | { readonly metric: 'binomial'; readonly baseline: number }
  | { readonly metric: 'continuous'; readonly mean: number; readonly sd: number };

/** The design: level, power, treatment users per control user, number of arms (>= 2). */
export interface PowerDesign {
  readonly alpha: number;
  readonly power: number;
  readonly ratio: number;
  readonly arms: number;
}

/** A sample size: null where it does not exist (an impossible effect, a zero effect). */
export interface SampleSize {
  /** Cohen's h (binomial) or d (continuous). */
  readonly effectSize: number | null;
  /** The exact fractional control size. */
  readonly nControl: number | null;
  /** ratio x nControl. */
  readonly nTreatment: number | null;
  /** ceil(nControl) + (arms - 1) ceil(nTreatment). */
  readonly totalUsers: number | null;
}

/** Largest control size searched (beyond it the effect is taken as undetectable). */
const MAX_UNITS = 2 ** 60;

/**
 * Checks a design and returns the per-comparison level alpha / (arms - 1).
 * @param design - the design
 * @returns the Bonferroni level
 * @throws RangeError for alpha or power outside (0, 1), ratio <= 0, or arms not an integer >= 2
 * @example bonferroniLevel({ alpha: 0.05, power: 0.8, ratio: 1, arms: 3 }) // 0.025
 */
export function bonferroniLevel(design: PowerDesign): number {
  const { alpha, power, ratio, arms } = design;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError('alpha must be in (0, 1)');
  if (!(power > 0 && power < 1)) throw new RangeError('power must be in (0, 1)');
  if (!(ratio > 0 && Number.isFinite(ratio))) throw new RangeError('ratio must be positive');
  if (!(Number.isInteger(arms) && arms >= 2)) throw new RangeError('arms must be an integer >= 2');
  return alpha / (arms - 1);
}

/**
 * The test and effect size of a relative effect: Cohen's h between p1 = baseline and
 * p2 = baseline (1 + relativeMde), or d = |mean relativeMde| / sd.
 * Source: Cohen (1988), ch. 2 and 6.
 * @param metric - the metric's baseline
 * @param relativeMde - the relative effect (0.05 for +5%; may be negative)
 * @returns the test and the effect size (null when p2 leaves [0, 1] or sd <= 0)
 * @example effectSizeOf({ metric: 'continuous', mean: 45, sd: 120 }, 0.05).effectSize // 0.01875
 */
export function effectSizeOf(
  metric: PowerMetric,
  relativeMde: number,
): { readonly test: PowerTest; readonly effectSize: number | null } {
  if (metric.metric === 'binomial') {
    return {
      test: 'binomial',
      effectSize: cohensH(metric.baseline, metric.baseline * (1 + relativeMde)),
    };
  }
  const d = Math.abs(metric.mean * relativeMde) / metric.sd;
  return { test: 'continuous', effectSize: metric.sd > 0 && Number.isFinite(d) ? d : null };
}

/**
 * The control size at which the two-sided test at alpha / (arms - 1) has the given power
 * (see `testPower`), solved by Brent's method to full double precision; n_t = ratio n_c.
 * total = ceil(n_c) + (arms - 1) ceil(n_t).
 * Source: statsmodels NormalIndPower / TTestIndPower `solve_power(nobs1=None)` (with a root
 * finder run to full precision instead of its defaults); Bonferroni (1936).
 * @param test - `binomial` (h) or `continuous` (d)
 * @param effectSize - h or d
 * @param design - alpha, power, ratio, arms
 * @returns the fractional control size, or null when the effect is 0 or too small to detect
 * with 2^60 units (or, for the t test, so large that fewer than 2 units would do)
 * @throws RangeError for an invalid design
 * @example solveControlSize('binomial', 0.022424345475803797, { alpha: 0.05, power: 0.8, ratio: 1, arms: 2 }) // 31217.42343035979
 */
export function solveControlSize(
  test: PowerTest,
  effectSize: number,
  design: PowerDesign,
): number | null {
  const level = bonferroniLevel(design);
  if (!(effectSize > 0 && Number.isFinite(effectSize))) return null;
  const gap = (n: number): number =>
    testPower(test, effectSize, n, design.ratio, level) - design.power;
  const low = test === 'binomial' ? 0 : (2 / (1 + design.ratio)) * (1 + 1e-9);
  let high = Math.max(4, 2 * low);
  while (gap(high) < 0) {
    high *= 2;
    if (high > MAX_UNITS) return null;
  }
  return gap(low) < 0 ? brentRoot(gap, low, high) : null;
}

/**
 * Sample size for a relative minimum detectable effect: effect size (Cohen's h or d), the exact
 * fractional control size, the treatment size ratio x n_c, and total users
 * ceil(n_c) + (arms - 1) ceil(n_t).
 * Source: see {@link solveControlSize} and {@link effectSizeOf}.
 * @param metric - the metric's baseline
 * @param relativeMde - the relative effect to detect
 * @param design - alpha, power, ratio, arms
 * @returns the sample size (null fields where it does not exist)
 * @throws RangeError for an invalid design
 * @example sampleSize({ metric: 'binomial', baseline: 0.05 }, 0.1, { alpha: 0.05, power: 0.8, ratio: 1, arms: 2 }).totalUsers // 62436
 */
export function sampleSize(
  metric: PowerMetric,
  relativeMde: number,
  design: PowerDesign,
): SampleSize {
  bonferroniLevel(design);
  const { test, effectSize } = effectSizeOf(metric, relativeMde);
  const nControl = effectSize === null ? null : solveControlSize(test, effectSize, design);
  if (nControl === null) return { effectSize, nControl, nTreatment: null, totalUsers: null };
  const nTreatment = design.ratio * nControl;
  return {
    effectSize,
    nControl,
    nTreatment,
    totalUsers: Math.ceil(nControl) + (design.arms - 1) * Math.ceil(nTreatment),
  };
}
