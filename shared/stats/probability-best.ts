/**
 * Probability that each of k conversion rates is the highest, under independent Beta posteriors,
 * by adaptive Gauss-Kronrod quadrature around the posteriors (no Monte Carlo): accurate for
 * arms of any size, where a blind integral over [0, 1] would miss posteriors a few thousandths
 * wide.
 */
import { betaMean, betaSd, type BetaShape } from './beta-distribution.ts';
import { betaPosterior } from './bayesian-beta-comparison.ts';
import { integrateGaussKronrod } from './gauss-kronrod.ts';
import type { ProportionStats } from './proportion-stats.ts';
import { regularizedBeta, regularizedBetaWithDensity } from './special-functions.ts';

/** Half-width of a posterior's window in its standard deviations (tail mass < 1e-17). */
const WINDOW_SDS = 40;
/** Panels per posterior window, 4 sd each. */
const PANELS = 20;
const RELATIVE_TOLERANCE = 1e-10;
const MAX_PANELS = 2000;

/** The grid of a posterior's window: PANELS + 1 points over mean +/- 40 sd, within [0, 1]. */
function windowGrid(shape: BetaShape): number[] {
  const mean = betaMean(shape);
  const sd = betaSd(shape);
  const low = Math.max(0, mean - WINDOW_SDS * sd);
  const high = Math.min(1, mean + WINDOW_SDS * sd);
  return Array.from({ length: PANELS + 1 }, (_, i) => low + ((high - low) * i) / PANELS);
}

/**
 * P(arm i has the highest rate) for independent Beta posteriors, in input order:
 * P_i = int f_i(x) prod_{j != i} F_j(x) dx. Each integral runs over arm i's window (+/- 40
 * posterior sd, where f_i lives) split at its own grid and at every other arm's grid points that
 * fall inside it, so a much narrower posterior's distribution function, a step on arm i's scale,
 * is resolved from the first pass; QUADPACK's adaptive 15-point Kronrod rule then refines to
 * 1e-10 relative. The F_j are lower incomplete beta functions computed directly.
 * Source: Scott (2010), "A modern Bayesian look at the multi-armed bandit", Applied Stochastic
 * Models in Business and Industry 26(6) (the probability each arm is optimal); Evan Miller (2015),
 * "Formulas for Bayesian A/B Testing"; Piessens et al. (1983), QUADPACK.
 * @param posteriors - each arm's Beta posterior
 * @returns the probabilities, one per arm (they sum to 1 within the quadrature's tolerance)
 * @example probabilityBestOfPosteriors([{ a: 1, b: 2 }, { a: 2, b: 1 }]) // [0.16666666666666666, 0.8333333333333334]
 */
export function probabilityBestOfPosteriors(posteriors: readonly BetaShape[]): number[] {
  if (posteriors.length === 1) return [1];
  const grids = posteriors.map(windowGrid);
  return posteriors.map((own, i) => {
    const low = grids[i][0];
    const high = grids[i][PANELS];
    const points = new Set(grids[i]);
    grids.forEach((grid, j) => {
      if (j !== i) for (const x of grid) if (x > low && x < high) points.add(x);
    });
    const breakpoints = [...points].sort((a, b) => a - b);
    const integrand = (x: number, out: Float64Array): void => {
      let value = regularizedBetaWithDensity(x, own.a, own.b, false)[1];
      for (let j = 0; j < posteriors.length && value > 0; j++) {
        if (j !== i) value *= regularizedBeta(x, posteriors[j].a, posteriors[j].b, false);
      }
      out[0] = value;
    };
    const [probability] = integrateGaussKronrod(
      integrand,
      1,
      breakpoints,
      RELATIVE_TOLERANCE,
      1e-300,
      MAX_PANELS,
    );
    return Math.min(1, Math.max(0, probability));
  });
}

/**
 * P(arm i has the highest conversion rate) for each arm under Beta(1 + s, 1 + n - s) posteriors
 * (uniform priors). See {@link probabilityBestOfPosteriors}.
 * Source: Gelman et al. (2013), Bayesian Data Analysis, sec. 2.4; Scott (2010).
 * @param arms - users and conversions per arm
 * @returns the probabilities in input order
 * @example probabilityBest([{ n: 1000, successes: 120 }, { n: 1000, successes: 135 }])[1] // 0.8422815161023...
 */
export function probabilityBest(arms: readonly ProportionStats[]): number[] {
  return probabilityBestOfPosteriors(arms.map(betaPosterior));
}
