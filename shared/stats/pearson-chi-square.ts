/**
 * Pearson's chi-square test of independence on a 2x2 table, without continuity correction.
 */
import { chiSquareSf } from './chi-square-distribution.ts';
import type { TwoByTwoTable } from './fisher-exact-test.ts';

/** A test statistic with its p-value. */
export interface StatisticWithPValue {
  readonly statistic: number;
  readonly pValue: number;
}

/**
 * Expected counts of the four cells under independence, r_i c_j / N, in the order a, b, c, d.
 * @param table - the observed counts
 * @returns the expected counts (all 0 for an empty table)
 * @example expectedCounts({ a: 1, b: 1, c: 1, d: 1 }) // [1, 1, 1, 1]
 */
export function expectedCounts(table: TwoByTwoTable): readonly number[] {
  const { a, b, c, d } = table;
  const N = a + b + c + d;
  if (N === 0) return [0, 0, 0, 0];
  const [r1, r2, c1, c2] = [a + b, c + d, a + c, b + d];
  return [(r1 * c1) / N, (r1 * c2) / N, (r2 * c1) / N, (r2 * c2) / N];
}

/**
 * Pearson chi-square for a 2x2 table, X^2 = N (ad - bc)^2 / (r1 r2 c1 c2) (equal to
 * sum (O - E)^2 / E), 1 degree of freedom, no Yates correction. The determinant ad - bc is formed
 * exactly in integer arithmetic, so the statistic keeps full relative precision for any counts.
 * Source: Pearson (1900); Agresti (2002), sec. 3.2.1;
 * scipy.stats.chi2_contingency(table, correction=False).
 * @param table - non-negative integer counts
 * @returns the statistic and its upper-tail p-value, or null when a margin is 0
 * @example pearsonChiSquare2x2({ a: 100, b: 900, c: 130, d: 870 })?.statistic // 4.421518054532056
 */
export function pearsonChiSquare2x2(table: TwoByTwoTable): StatisticWithPValue | null {
  const { a, b, c, d } = table;
  const [r1, r2, c1, c2] = [a + b, c + d, a + c, b + d];
  if (r1 === 0 || r2 === 0 || c1 === 0 || c2 === 0) return null;
  const determinant = [a, b, c, d].every(Number.isSafeInteger)
    ? Number(BigInt(a) * BigInt(d) - BigInt(b) * BigInt(c))
    : a * d - b * c;
  const N = r1 + r2;
  const statistic = (((determinant / r1) * (determinant / r2)) / c1 / c2) * N;
  return { statistic, pValue: chiSquareSf(statistic, 1) };
}
