/**
 * Mann-Whitney U (Wilcoxon rank-sum) test, normal approximation with tie and continuity
 * corrections, in O(n log n) over typed arrays of millions of values.
 */
import { normalSf } from './normal-distribution.ts';

/** U of the treatment sample and the two-sided p-value (null when every value is tied). */
export interface MannWhitneyU {
  readonly u: number;
  readonly pValue: number | null;
}

function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * Rank sum of the first sample in the pooled sample (mid-ranks for ties) and the tie term
 * sum over tie groups of (t^3 - t), by one merge of the two sorted samples.
 */
function rankSumAndTies(first: Float64Array, second: Float64Array): [number, number] {
  const [n1, n2] = [first.length, second.length];
  let i = 0;
  let j = 0;
  let rankSum = 0;
  let tieTerm = 0;
  while (i < n1 || j < n2) {
    const value = j >= n2 || (i < n1 && first[i] <= second[j]) ? first[i] : second[j];
    const startI = i;
    const startJ = j;
    while (i < n1 && first[i] === value) i++;
    while (j < n2 && second[j] === value) j++;
    const inFirst = i - startI;
    const t = inFirst + (j - startJ);
    // Pooled ranks startI + startJ + 1 .. startI + startJ + t share their mean.
    rankSum += inFirst * (startI + startJ + (t + 1) / 2);
    tieTerm += t * t * t - t;
  }
  return [rankSum, tieTerm];
}

/**
 * Mann-Whitney U of the treatment sample, U = R_t - n_t(n_t + 1)/2 with R_t its rank sum in the
 * pooled sample (mid-ranks for ties), and the two-sided p-value 2 * (1 - Phi(z)) clipped to 1,
 * z = (max(U, n_t n_c - U) - n_t n_c / 2 - 1/2) / sigma,
 * sigma^2 = n_t n_c / 12 * ((N + 1) - sum(t^3 - t) / (N (N - 1))), N = n_t + n_c.
 * Source: Mann & Whitney (1947), Ann. Math. Statist. 18; Lehmann (1975), Nonparametrics,
 * sec. 1.4 (tie correction); scipy.stats.mannwhitneyu(treatment, control,
 * alternative='two-sided', method='asymptotic', use_continuity=True).
 * @param treatment - the treatment's values (finite numbers)
 * @param control - the control's values (finite numbers)
 * @returns U and the p-value, or null when a sample is empty or holds NaN
 * @example mannWhitneyU(Float64Array.of(3, 4, 5), Float64Array.of(1, 2, 3))?.u // 8.5
 */
export function mannWhitneyU(
  treatment: ArrayLike<number>,
  control: ArrayLike<number>,
): MannWhitneyU | null {
  const nT = treatment.length;
  const nC = control.length;
  if (nT === 0 || nC === 0) return null;
  const sortedT = sortedCopy(treatment);
  const sortedC = sortedCopy(control);
  if (Number.isNaN(sortedT[nT - 1]) || Number.isNaN(sortedC[nC - 1])) return null;
  const [rankSum, tieTerm] = rankSumAndTies(sortedT, sortedC);
  const u = rankSum - (nT * (nT + 1)) / 2;
  const N = nT + nC;
  const mean = (nT * nC) / 2;
  const sigma = Math.sqrt(((nT * nC) / 12) * (N + 1 - tieTerm / (N * (N - 1))));
  const z = (Math.max(u, nT * nC - u) - mean - 0.5) / sigma;
  const pValue = sigma > 0 && Number.isFinite(z) ? Math.min(1, 2 * normalSf(z)) : null;
  return { u, pValue };
}
