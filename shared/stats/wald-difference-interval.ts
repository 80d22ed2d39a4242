/**
 * Wald interval for the difference of two proportions.
 */
import { normalCriticalValue } from './normal-distribution.ts';
import { symmetricInterval, type Interval } from './interval.ts';
import type { ProportionStats } from './proportion-stats.ts';

/**
 * Difference p_t - p_c with the unpooled Wald interval
 * (p_t - p_c) +/- z(1 - alpha/2) sqrt(p_t(1 - p_t)/n_t + p_c(1 - p_c)/n_c).
 * Source: Agresti (2002), Categorical Data Analysis, sec. 3.1.2; statsmodels
 * `confint_proportions_2indep(..., method='wald', compare='diff')`.
 * @param control - the control's users and conversions
 * @param treatment - the treatment's users and conversions
 * @param alpha - significance level of the interval
 * @returns the difference and its interval, both null when an arm is empty
 * @example proportionDifference({ n: 1000, successes: 100 }, { n: 1000, successes: 130 }, 0.1).difference // 0.03
 */
export function proportionDifference(
  control: ProportionStats,
  treatment: ProportionStats,
  alpha: number,
): { readonly difference: number | null; readonly interval: Interval | null } {
  if (!(control.n > 0 && treatment.n > 0)) return { difference: null, interval: null };
  const pC = control.successes / control.n;
  const pT = treatment.successes / treatment.n;
  const difference = pT - pC;
  const se = Math.sqrt((pT * (1 - pT)) / treatment.n + (pC * (1 - pC)) / control.n);
  return { difference, interval: symmetricInterval(difference, normalCriticalValue(alpha), se) };
}
