/**
 * Heterogeneity of an effect across segments (device, country, ...): the inverse-variance
 * pooled effect, Cochran's Q test that the segments share one effect, and I^2, the share of the
 * spread beyond chance.
 */
import { chiSquareSf } from './chi-square-distribution.ts';

/** Pooled effect and heterogeneity statistics; null where undefined. */
export interface Heterogeneity {
  readonly pooledEffect: number | null;
  readonly pooledStandardError: number | null;
  /** Cochran's Q = sum w (e - pooled)^2. */
  readonly q: number | null;
  /** k - 1. */
  readonly df: number;
  /** P(chi-square(df) > q); null when df = 0. */
  readonly pValue: number | null;
  /** max(0, (q - df) / q); 0 when q = 0. */
  readonly iSquared: number | null;
}

/**
 * Inverse-variance fixed-effect pooling of k segment effects with weights w = 1 / se^2:
 * pooled = sum(w e) / sum(w), se = sqrt(1 / sum w); Cochran's Q = sum w (e - pooled)^2 on
 * k - 1 df with its chi-square upper-tail p-value (computed directly, not as 1 - cdf); and
 * I^2 = max(0, (Q - df) / Q), 0 when Q = 0. Segments whose effect or standard error is missing,
 * or whose standard error is not positive, make every value null.
 * Source: Cochran (1954), "The combination of estimates from different experiments",
 * Biometrics 10(1); Higgins & Thompson (2002), "Quantifying heterogeneity in a meta-analysis",
 * Statistics in Medicine 21(11); scipy.stats.chi2.sf.
 * @param effects - the segments' effects
 * @param standardErrors - their standard errors (same length)
 * @returns the pooled effect and the heterogeneity statistics
 * @throws RangeError when the lengths differ or there is no segment
 * @example cochranHeterogeneity([0.02, 0.02], [0.01, 0.02]).iSquared // 0
 */
export function cochranHeterogeneity(
  effects: readonly (number | null)[],
  standardErrors: readonly (number | null)[],
): Heterogeneity {
  if (effects.length !== standardErrors.length) {
    throw new RangeError('effects and standard errors must have the same length');
  }
  const k = effects.length;
  if (k === 0) throw new RangeError('heterogeneity needs at least one segment');
  const df = k - 1;
  const valid = effects.every(
    (e, i) =>
      e !== null && Number.isFinite(e) && standardErrors[i] !== null && standardErrors[i]! > 0,
  );
  if (!valid) {
    return undefinedHeterogeneity(df);
  }
  const weights = standardErrors.map((se) => 1 / (se! * se!));
  let totalWeight = 0;
  let weighted = 0;
  for (let i = 0; i < k; i++) {
    totalWeight += weights[i];
    weighted += weights[i] * effects[i]!;
  }
  const pooledEffect = weighted / totalWeight;
  let q = 0;
  for (let i = 0; i < k; i++) q += weights[i] * (effects[i]! - pooledEffect) ** 2;
  if (!Number.isFinite(pooledEffect) || !Number.isFinite(q)) {
    return undefinedHeterogeneity(df);
  }
  return {
    pooledEffect,
    pooledStandardError: Math.sqrt(1 / totalWeight),
    q,
    df,
    pValue: df > 0 ? chiSquareSf(q, df) : null,
    iSquared: q > 0 ? Math.max(0, (q - df) / q) : 0,
  };
}

/** Every value null but the degrees of freedom: the segments cannot be pooled. */
function undefinedHeterogeneity(df: number): Heterogeneity {
  return {
    pooledEffect: null,
    pooledStandardError: null,
    q: null,
    df,
    pValue: null,
    iSquared: null,
  };
}
