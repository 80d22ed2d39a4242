/**
 * The significance test of a binomial comparison: Pearson's chi-square on the 2x2 table, or
 * Fisher's exact test when the table is too sparse for the chi-square approximation.
 */
import { fisherExactPValue, type TwoByTwoTable } from './fisher-exact-test.ts';
import { expectedCounts, pearsonChiSquare2x2 } from './pearson-chi-square.ts';
import type { ProportionStats } from './proportion-stats.ts';

/** Fisher's exact test replaces the chi-square test when an expected cell is below this. */
export const MINIMUM_EXPECTED_CELL = 5;

/** Which test ran, its statistic (null for Fisher's exact test) and its two-sided p-value. */
export interface BinomialTest {
  readonly test: 'chi_square' | 'fisher_exact';
  readonly statistic: number | null;
  readonly pValue: number;
}

/**
 * The 2x2 table of two arms: rows control and treatment, columns converted and not converted.
 * @param control - the control's users and conversions
 * @param treatment - the treatment's users and conversions
 * @returns the table
 * @example twoByTwoTable({ n: 10, successes: 2 }, { n: 12, successes: 5 }) // { a: 2, b: 8, c: 5, d: 7 }
 */
export function twoByTwoTable(control: ProportionStats, treatment: ProportionStats): TwoByTwoTable {
  return {
    a: control.successes,
    b: control.n - control.successes,
    c: treatment.successes,
    d: treatment.n - treatment.successes,
  };
}

/**
 * Tests conversion rates for equality: Pearson chi-square without continuity correction when
 * every expected cell r_i c_j / N is at least 5, Fisher's exact test (two-sided) otherwise,
 * including tables with an empty margin (p = 1).
 * Source: Cochran (1954), Biometrics 10(4) (the expected-count rule); Agresti (2002), sec. 3.2
 * and 3.5; scipy.stats.chi2_contingency(correction=False) and scipy.stats.fisher_exact.
 * @param table - non-negative integer counts
 * @returns the test, statistic and p-value
 * @example binomialTest({ a: 100, b: 900, c: 130, d: 870 }).test // 'chi_square'
 */
export function binomialTest(table: TwoByTwoTable): BinomialTest {
  const sparse = expectedCounts(table).some((e) => e < MINIMUM_EXPECTED_CELL);
  const chiSquare = sparse ? null : pearsonChiSquare2x2(table);
  if (chiSquare === null) {
    return { test: 'fisher_exact', statistic: null, pValue: fisherExactPValue(table) };
  }
  return { test: 'chi_square', statistic: chiSquare.statistic, pValue: chiSquare.pValue };
}
