/**
 * P(beat control) and expected loss of a continuous metric from the normal approximation of the
 * difference of means: the posterior of the difference under a flat prior is taken to be
 * N(d, se^2), d the observed difference (treatment - control) and se its Welch standard error.
 */
import type { BayesianComparison } from './bayesian-beta-comparison.ts';
import { normalCdf, normalSf } from './normal-distribution.ts';

const INV_SQRT_2PI = 0.3989422804014327;

/**
 * With D ~ N(d, se^2): P(beat control) = P(D > 0) = Phi(d / se), and the expected loss of
 * shipping the treatment E[max(-D, 0)] = se phi(d / se) - d Phi(-d / se) (the mean of a normal
 * truncated at 0, E[X+] = mu Phi(mu / s) + s phi(mu / s) with X = -D). With se = 0 the
 * difference is certain: P is 1, 0 or 1/2 (d > 0, d < 0, d = 0) and the loss max(-d, 0). The
 * loss is accurate to ~1e-16 se absolute (its two terms cancel for d / se >> 1, where it is far
 * below any decision threshold).
 * Source: Gelman et al. (2013), Bayesian Data Analysis, sec. 3.2 (flat-prior normal posterior);
 * Stucchio (2015), "Bayesian A/B Testing at VWO" (expected loss); the truncated-normal mean,
 * Johnson, Kotz & Balakrishnan (1994), Continuous Univariate Distributions vol. 1, 13.10.
 * @param difference - observed mean_t - mean_c
 * @param standardError - its standard error (>= 0), or null
 * @returns P(beat control) and the expected loss, or null when the standard error is null,
 * negative or not finite
 * @example normalBeatControl(1, 1).probBeatControl // 0.8413447460685429
 */
export function normalBeatControl(
  difference: number | null,
  standardError: number | null,
): BayesianComparison | null {
  if (difference === null || !Number.isFinite(difference)) return null;
  if (standardError === null || !(standardError >= 0) || !Number.isFinite(standardError)) {
    return null;
  }
  if (standardError === 0) {
    return {
      probBeatControl: difference > 0 ? 1 : difference < 0 ? 0 : 0.5,
      expectedLoss: Math.max(-difference, 0),
    };
  }
  const z = difference / standardError;
  const density = INV_SQRT_2PI * Math.exp(-0.5 * z * z);
  const loss = standardError * density - difference * normalSf(z);
  return { probBeatControl: normalCdf(z), expectedLoss: Math.max(0, loss) };
}
