/**
 * The minimum detectable effect of a fixed sample: the effect size at which each
 * treatment-versus-control test, at alpha / (arms - 1), reaches the power, and the relative
 * change of the metric it stands for.
 */
import { brentRoot } from './root-finding.ts';
import { bonferroniLevel, type PowerDesign, type PowerMetric } from './sample-size.ts';
import { testPower, type PowerTest } from './test-power.ts';

/** A minimum detectable effect; null where it does not exist. */
export interface MinimumDetectableEffect {
  /** Cohen's h (binomial) or d (continuous) reaching the power. */
  readonly effectSize: number | null;
  /** The relative change of the metric that effect size means (an increase). */
  readonly relativeMde: number | null;
}

/**
 * The effect size at which the two-sided test at alpha / (arms - 1) with nControl control and
 * ratio nControl treatment units has the given power, by Brent's method to full precision.
 * Source: statsmodels NormalIndPower / TTestIndPower `solve_power(effect_size=None)`.
 * @param test - `binomial` (h) or `continuous` (d)
 * @param nControl - control units (fractional allowed), > 0
 * @param design - alpha, power, ratio, arms
 * @returns the effect size, or null when the sample cannot reach the power (t test with
 * df <= 0)
 * @throws RangeError for an invalid design
 * @example solveEffectSize('binomial', 20000, { alpha: 0.05, power: 0.8, ratio: 1, arms: 2 }) // 0.028015817870137093
 */
export function solveEffectSize(
  test: PowerTest,
  nControl: number,
  design: PowerDesign,
): number | null {
  const level = bonferroniLevel(design);
  if (!(nControl > 0 && Number.isFinite(nControl))) return null;
  const gap = (effect: number): number =>
    testPower(test, effect, nControl, design.ratio, level) - design.power;
  if (!(gap(0) < 0)) return null;
  let high = 1;
  while (gap(high) < 0) {
    high *= 2;
    if (high > 2 ** 40) return null;
  }
  return brentRoot(gap, 0, high);
}

/**
 * The relative effect an effect size means, as an increase over the baseline:
 * binomial p2 = sin^2(asin(sqrt p1) + h / 2), relative = p2 / p1 - 1 (null when
 * asin(sqrt p1) + h / 2 passes pi / 2: no rate is that far above p1, or p1 = 0); continuous
 * d sd / |mean| (null when mean = 0).
 * Source: the inverse of Cohen's h and d (Cohen 1988, ch. 2 and 6).
 * @param metric - the metric's baseline
 * @param effectSize - h or d
 * @returns the relative MDE or null
 * @example relativeEffect({ metric: 'continuous', mean: 45, sd: 120 }, 0.01875) // 0.05
 */
export function relativeEffect(metric: PowerMetric, effectSize: number): number | null {
  if (metric.metric === 'continuous') {
    const relative = (effectSize * metric.sd) / Math.abs(metric.mean);
    return Number.isFinite(relative) ? relative : null;
  }
  const p1 = metric.baseline;
  const angle = Math.asin(Math.sqrt(p1)) + effectSize / 2;
  if (!(p1 > 0) || angle > Math.PI / 2) return null;
  const p2 = Math.sin(angle) ** 2;
  return p2 / p1 - 1;
}

/**
 * The minimum detectable effect of a sample of nControl control units (and ratio nControl per
 * treatment): the effect size reaching the power at alpha / (arms - 1), both tails, and the
 * relative MDE it means.
 * Source: see {@link solveEffectSize} and {@link relativeEffect}.
 * @param metric - the metric's baseline
 * @param nControl - control units
 * @param design - alpha, power, ratio, arms
 * @returns the effect size and the relative MDE (null where they do not exist)
 * @throws RangeError for an invalid design
 * @example minimumDetectableEffect({ metric: 'binomial', baseline: 0.05 }, 20000, { alpha: 0.05, power: 0.8, ratio: 1, arms: 2 }).relativeMde // 0.12563390096007465
 */
export function minimumDetectableEffect(
  metric: PowerMetric,
  nControl: number,
  design: PowerDesign,
): MinimumDetectableEffect {
  const effectSize = solveEffectSize(metric.metric, nControl, design);
  return {
    effectSize,
    relativeMde: effectSize === null ? null : relativeEffect(metric, effectSize),
  };
}
