/**
 * Paired moments merge by addition: any split of the units, merged, gives the moments of the
 * whole (to rounding), and moments from a warehouse's raw sums agree with them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bivariateMomentsFromSums,
  bivariateMomentsOf,
  marginalX,
  marginalY,
  mergeBivariateMoments,
  momentsOf,
  EMPTY_BIVARIATE_MOMENTS,
} from '../../../shared/stats/index.ts';

const close = (a: number, b: number, tolerance = 1e-12): boolean =>
  Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));

describe('bivariateMomentsOf', () => {
  it('computes the co-moment of a small sample exactly', () => {
    // x = 1, 2, 3 and y = 2, 4, 7: means 2 and 13/3, sum dx dy = (-1)(-7/3) + 0 + (1)(8/3) = 5.
    const m = bivariateMomentsOf([1, 2, 3], [2, 4, 7]);
    expect(m).toEqual({ n: 3, meanX: 2, meanY: 13 / 3, m2X: 2, m2Y: m.m2Y, cXY: 5 });
    expect(m.m2Y).toBeCloseTo(12.666666666666666, 12);
  });

  it('has the marginals of momentsOf', () => {
    const x = [3.5, 1.25, 8, 0];
    const y = [10, 0, 12.5, 3];
    const m = bivariateMomentsOf(x, y);
    expect(marginalX(m)).toEqual(momentsOf(x));
    expect(marginalY(m)).toEqual(momentsOf(y));
  });

  it('rejects samples of different lengths', () => {
    expect(() => bivariateMomentsOf([1, 2], [1])).toThrow(RangeError);
  });

  it('keeps every digit of values near 1e9 with a unit spread (raw sums would not)', () => {
    const x = [1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4];
    const y = [1e9 + 2, 1e9 + 4, 1e9 + 6, 1e9 + 8];
    const m = bivariateMomentsOf(x, y);
    expect([m.m2X, m.cXY, m.m2Y]).toEqual([5, 10, 20]);
  });
});

describe('merging', () => {
  const pairs = fc.array(
    fc.tuple(
      fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    ),
    { minLength: 2, maxLength: 60 },
  );

  it('gives the moments of the whole for any split into parts', () => {
    fc.assert(
      fc.property(pairs, fc.array(fc.nat(), { maxLength: 5 }), (data, cuts) => {
        const x = data.map(([a]) => a);
        const y = data.map(([, b]) => b);
        const whole = bivariateMomentsOf(x, y);
        const bounds = [...new Set([0, ...cuts.map((c) => c % data.length), data.length])].sort(
          (a, b) => a - b,
        );
        let merged = EMPTY_BIVARIATE_MOMENTS;
        for (let k = 0; k + 1 < bounds.length; k++) {
          const part = bivariateMomentsOf(
            x.slice(bounds[k], bounds[k + 1]),
            y.slice(bounds[k], bounds[k + 1]),
          );
          merged = mergeBivariateMoments(merged, part);
        }
        const scale = whole.m2X + whole.m2Y + 1;
        expect(merged.n).toBe(whole.n);
        expect(close(merged.meanX, whole.meanX)).toBe(true);
        expect(close(merged.meanY, whole.meanY)).toBe(true);
        expect(Math.abs(merged.m2X - whole.m2X)).toBeLessThan(1e-11 * scale);
        expect(Math.abs(merged.m2Y - whole.m2Y)).toBeLessThan(1e-11 * scale);
        expect(Math.abs(merged.cXY - whole.cXY)).toBeLessThan(1e-11 * scale);
      }),
    );
  });

  it('treats the empty moments as the identity', () => {
    const m = bivariateMomentsOf([1, 2], [3, 5]);
    expect(mergeBivariateMoments(EMPTY_BIVARIATE_MOMENTS, m)).toBe(m);
    expect(mergeBivariateMoments(m, EMPTY_BIVARIATE_MOMENTS)).toBe(m);
  });
});

describe('bivariateMomentsFromSums', () => {
  it('turns a warehouse query’s sums into the same moments', () => {
    const x = [0, 12.5, 3.25, 7, 7, 1];
    const y = [1, 40, 9.5, 20, 22, 0];
    const sum = (v: number[]): number => v.reduce((s, a) => s + a, 0);
    const fromSums = bivariateMomentsFromSums({
      n: x.length,
      sumX: sum(x),
      sumY: sum(y),
      sumXX: sum(x.map((a) => a * a)),
      sumYY: sum(y.map((b) => b * b)),
      sumXY: sum(x.map((a, i) => a * y[i])),
    });
    const direct = bivariateMomentsOf(x, y);
    for (const key of ['meanX', 'meanY', 'm2X', 'm2Y', 'cXY'] as const) {
      expect(close(fromSums[key], direct[key])).toBe(true);
    }
  });

  it('gives the empty moments for n = 0', () => {
    expect(
      bivariateMomentsFromSums({ n: 0, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 }),
    ).toEqual(EMPTY_BIVARIATE_MOMENTS);
  });
});
