/**
 * One look of the sequential test at a comparison: the difference of means (treatment minus
 * control), its variance and the units it rests on, from the two arms' addable moments. The
 * variance is the one of the fixed-horizon interval beside it: p(1 - p) / n per arm for a
 * binomial metric (Wald, unpooled), the sample variance over n per arm for a continuous one
 * (Welch).
 */
import type { SequentialLook } from './confidence-sequence.ts';
import { sampleVariance, type MeanMoments } from './mean-moments.ts';

/**
 * The look of a comparison.
 * Source: the reference README, "Decision statistics" (`sequential`: a look is an estimate, its
 * variance v and n units so far); DESIGN.md "Statistics conventions" for the variances.
 * @param type - the metric's type
 * @param control - the control arm's moments (0/1 values for a binomial metric)
 * @param treated - the treatment arm's moments
 * @returns the look, or null when the two arms hold no unit (a variance that cannot be formed,
 * with fewer than 2 units in an arm of a continuous metric, is null)
 * @example comparisonLook('binomial', { n: 100, mean: 0.1, m2: 9 }, { n: 100, mean: 0.2, m2: 16 })?.variance // 0.0025
 */
export function comparisonLook(
  type: 'binomial' | 'continuous',
  control: MeanMoments,
  treated: MeanMoments,
): SequentialLook | null {
  const n = control.n + treated.n;
  if (n < 1) return null;
  if (!(control.n > 0 && treated.n > 0)) return { estimate: 0, variance: null, n };
  const armVariance = (arm: MeanMoments): number | null => {
    if (type === 'binomial') return (arm.mean * (1 - arm.mean)) / arm.n;
    const variance = sampleVariance(arm);
    return variance === null ? null : variance / arm.n;
  };
  const vc = armVariance(control);
  const vt = armVariance(treated);
  return {
    estimate: treated.mean - control.mean,
    variance: vc === null || vt === null ? null : vc + vt,
    n,
  };
}
