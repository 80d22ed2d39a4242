/**
 * Power of the two-sided two-sample tests at a given effect size and sample size: the normal
 * test of two proportions on Cohen's h and Student's t test of two means on Cohen's d, both
 * counting the rejections in both tails, with fractional sample sizes.
 */
import { noncentralTCdf, noncentralTSf } from './noncentral-t-distribution.ts';
import { normalCdf, normalCriticalValue, normalSf } from './normal-distribution.ts';
import { studentTCriticalValue } from './student-t-distribution.ts';

/** Which test a power calculation is for: proportions (normal, h) or means (t, d). */
export type PowerTest = 'binomial' | 'continuous';

/**
 * Cohen's h between two proportions, |2 asin(sqrt p2) - 2 asin(sqrt p1)|.
 * Source: Cohen (1988), Statistical Power Analysis for the Behavioral Sciences, sec. 6.2;
 * statsmodels.stats.proportion.proportion_effectsize (absolute value).
 * @param p1 - the baseline proportion, in [0, 1]
 * @param p2 - the other proportion, in [0, 1]
 * @returns h >= 0, or null when a proportion is outside [0, 1]
 * @example cohensH(0.05, 0.055) // 0.022424345475803797
 */
export function cohensH(p1: number, p2: number): number | null {
  if (!(p1 >= 0 && p1 <= 1 && p2 >= 0 && p2 <= 1)) return null;
  return Math.abs(2 * Math.asin(Math.sqrt(p2)) - 2 * Math.asin(Math.sqrt(p1)));
}

/**
 * Power of a two-sided two-sample test at level `alpha`, with nControl control units and
 * ratio nControl treatment units (fractional sizes allowed), n_eff = n_c n_t / (n_c + n_t):
 * - binomial (normal test on Cohen's h): Phi(h sqrt(n_eff) - z) + Phi(-h sqrt(n_eff) - z),
 *   z = z(1 - alpha / 2);
 * - continuous (t test on Cohen's d): P(T' > t) + P(T' < -t) for the noncentral t T' with
 *   df = n_c + n_t - 2 and noncentrality d sqrt(n_eff), t = t(1 - alpha / 2, df).
 * Source: statsmodels.stats.power NormalIndPower.power and TTestIndPower.power
 * (alternative='two-sided'); Cohen (1988), ch. 2 and 6.
 * @param test - `binomial` or `continuous`
 * @param effectSize - h or d, >= 0
 * @param nControl - control units, >= 0 (0 gives the level: no power beyond alpha)
 * @param ratio - treatment units per control unit, > 0
 * @param alpha - the test's level, in (0, 1)
 * @returns the power; 0 when df <= 0 for the t test; NaN for invalid inputs
 * @example testPower('binomial', 0.022424345475803797, 31217.42343035979, 1, 0.05) // 0.8000000000000002
 */
export function testPower(
  test: PowerTest,
  effectSize: number,
  nControl: number,
  ratio: number,
  alpha: number,
): number {
  if (!(effectSize >= 0 && nControl >= 0 && ratio > 0 && alpha > 0 && alpha < 1)) return NaN;
  const nTreatment = ratio * nControl;
  const shift =
    nControl === 0 ? 0 : effectSize * Math.sqrt((nControl * nTreatment) / (nControl + nTreatment));
  if (test === 'binomial') {
    const z = normalCriticalValue(alpha)!;
    return normalSf(z - shift) + normalCdf(-z - shift);
  }
  const df = nControl + nTreatment - 2;
  if (!(df > 0)) return 0;
  const t = studentTCriticalValue(alpha, df);
  if (t === null) return 0;
  return noncentralTSf(t, df, shift) + noncentralTCdf(-t, df, shift);
}
