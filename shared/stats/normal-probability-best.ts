/**
 * Probability that each of k means is the highest, under independent normal approximations of
 * their sampling distributions (the flat-prior posteriors of the means of continuous metrics and
 * ratios), by adaptive Gauss-Kronrod quadrature around each arm (no Monte Carlo).
 */
import { integrateGaussKronrod } from './gauss-kronrod.ts';
import { normalCdf } from './normal-distribution.ts';

const WINDOW_SDS = 40;
const PANELS = 20;
const INV_SQRT_2PI = 0.3989422804014327;

/** An arm's mean and its standard error. */
export interface NormalArm {
  readonly mean: number;
  readonly standardError: number;
}

/**
 * P(arm i has the highest mean), in input order, with M_i ~ N(mean_i, se_i^2) independent:
 * P_i = int phi((x - m_i) / s_i) / s_i prod_{j != i} Phi((x - m_j) / s_j) dx over m_i +/- 40 s_i,
 * split at every arm's grid inside that window, refined to 1e-10 relative. An arm with se = 0 is
 * a point: its probability is the product of the others' P(M_j < m_i) (ties of two points split
 * nothing: each gets 0).
 * Source: Scott (2010), "A modern Bayesian look at the multi-armed bandit", Applied Stochastic
 * Models in Business and Industry 26(6) (the probability each arm is optimal); Gelman et al.
 * (2013), Bayesian Data Analysis, sec. 3.2 (the flat-prior normal posterior of a mean).
 * @param arms - each arm's mean and standard error (>= 0, finite)
 * @returns the probabilities, one per arm
 * @throws RangeError for a non-finite mean or a negative or non-finite standard error
 * @example normalProbabilityBest([{ mean: 0, standardError: 1 }, { mean: 0, standardError: 1 }]) // [0.5, 0.5]
 */
export function normalProbabilityBest(arms: readonly NormalArm[]): number[] {
  if (
    !arms.every(
      (a) => Number.isFinite(a.mean) && a.standardError >= 0 && Number.isFinite(a.standardError),
    )
  ) {
    throw new RangeError('means must be finite and standard errors finite and >= 0');
  }
  if (arms.length === 1) return [1];
  const below = (j: number, x: number): number => {
    const arm = arms[j];
    if (arm.standardError === 0) return x > arm.mean ? 1 : 0;
    return normalCdf((x - arm.mean) / arm.standardError);
  };
  const grids = arms.map((arm) =>
    Array.from(
      { length: PANELS + 1 },
      (_, i) => arm.mean + arm.standardError * WINDOW_SDS * ((2 * i) / PANELS - 1),
    ),
  );
  return arms.map((own, i) => {
    if (own.standardError === 0) {
      let p = 1;
      for (let j = 0; j < arms.length; j++) if (j !== i) p *= below(j, own.mean);
      return p;
    }
    const low = grids[i][0];
    const high = grids[i][PANELS];
    const points = new Set(grids[i]);
    grids.forEach((grid, j) => {
      if (j !== i) for (const x of grid) if (x > low && x < high) points.add(x);
    });
    const integrand = (x: number, out: Float64Array): void => {
      const z = (x - own.mean) / own.standardError;
      let value = (INV_SQRT_2PI * Math.exp(-0.5 * z * z)) / own.standardError;
      for (let j = 0; j < arms.length && value > 0; j++) if (j !== i) value *= below(j, x);
      out[0] = value;
    };
    const [p] = integrateGaussKronrod(
      integrand,
      1,
      [...points].sort((a, b) => a - b),
      1e-10,
      1e-300,
      2000,
    );
    return Math.min(1, Math.max(0, p));
  });
}
