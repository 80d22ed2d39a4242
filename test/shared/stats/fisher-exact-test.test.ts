/**
 * Fisher's exact test, two-sided: against published SciPy values and against an exact rational
 * enumeration done here with BigInt (every table's probability as an integer ratio, "as or
 * more extreme" decided exactly), so ties and the summation are checked without rounding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fisherExactPValue, type TwoByTwoTable } from '../../../shared/stats/index.ts';

function binomial(n: number, k: number): bigint {
  const m = Math.min(k, n - k);
  let result = 1n;
  for (let i = 1; i <= m; i++) result = (result * BigInt(n - m + i)) / BigInt(i);
  return result;
}

/** num / den as the nearest double, for any magnitude a double can hold. */
function ratio(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const shift = den.toString(2).length - num.toString(2).length + 64;
  const scaled = shift >= 0 ? (num << BigInt(shift)) / den : num / (den << BigInt(-shift));
  return Number(scaled) * 2 ** -shift;
}

/** The two-sided p-value by exact enumeration: sum of P(table) <= P(observed), exactly. */
function exactFisher({ a, b, c, d }: TwoByTwoTable): number {
  const [K, n, N] = [a + c, a + b, a + b + c + d];
  const weight = (x: number): bigint => binomial(K, x) * binomial(N - K, n - x);
  const observed = weight(a);
  let extreme = 0n;
  let total = 0n;
  for (let x = Math.max(0, n - (N - K)); x <= Math.min(K, n); x++) {
    const w = weight(x);
    total += w;
    if (w <= observed) extreme += w;
  }
  return ratio(extreme, total);
}

describe('fisherExactPValue', () => {
  // scipy/stats/tests/test_stats.py::TestFisherExact (test_gh4130) and scipy.stats.fisher_exact
  // (SciPy 1.17.1; the two-sided rule is unchanged since 1.7). SciPy forms each probability from
  // log-gamma differences, good to ~1e-10 relative, hence the tolerance.
  it.each([
    [{ a: 6, b: 37, c: 108, d: 200 }, 0.005092697748126],
    [{ a: 22, b: 0, c: 0, d: 102 }, 7.175066786244549e-25],
    [{ a: 94, b: 48, c: 3577, d: 16988 }, 2.069356340993818e-37],
    [{ a: 1, b: 9, c: 11, d: 3 }, 0.0027594561852200836],
    [{ a: 0, b: 5, c: 5, d: 0 }, 0.007936507936507938],
    [{ a: 2, b: 2, c: 2, d: 2 }, 1],
    [{ a: 1, b: 0, c: 0, d: 400000 }, 2.4999937499037095e-6],
  ])('matches scipy.stats.fisher_exact on %o', (table, expected) => {
    expect(Math.abs(fisherExactPValue(table) - expected)).toBeLessThanOrEqual(1e-9 * expected);
  });

  it('is exact where SciPy rounds: [[1, 0], [0, 400000]] has p = 1/400001', () => {
    expect(fisherExactPValue({ a: 1, b: 0, c: 0, d: 400000 })).toBeCloseTo(1 / 400001, 20);
  });

  it('gives p = 1 when a margin is empty (scipy returns 1.0)', () => {
    expect(fisherExactPValue({ a: 0, b: 400, c: 0, d: 410 })).toBe(1);
    expect(fisherExactPValue({ a: 0, b: 0, c: 3, d: 4 })).toBe(1);
  });

  it('agrees with exact rational enumeration, ties included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (a, b, c, d) => {
          const table = { a, b, c, d };
          const expected = exactFisher(table);
          expect(Math.abs(fisherExactPValue(table) - expected)).toBeLessThanOrEqual(
            1e-12 * expected,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps relative accuracy for tiny p-values and large populations', () => {
    const table = { a: 0, b: 100000, c: 40, d: 60 };
    const expected = exactFisher(table);
    expect(expected).toBeLessThan(1e-100);
    expect(Math.abs(fisherExactPValue(table) - expected)).toBeLessThanOrEqual(1e-10 * expected);
  });

  it('counts exactly tied tables of a symmetric design as extreme', () => {
    // Margins 10/10 and 10/10: P(x) = P(10 - x), so x = 3 and x = 7 tie exactly.
    const table = { a: 3, b: 7, c: 7, d: 3 };
    expect(fisherExactPValue(table)).toBeCloseTo(exactFisher(table), 14);
    expect(fisherExactPValue(table)).toBeCloseTo(0.1788954079975752, 14); // scipy.stats.fisher_exact
  });
});
