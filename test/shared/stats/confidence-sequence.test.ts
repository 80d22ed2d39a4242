/**
 * The asymptotic confidence sequence: the README's formulas, the stored state updated look by
 * look giving what the list function gives, looks with n = 1, and looks without a variance.
 */
import { describe, expect, it } from 'vitest';
import {
  confidenceSequence,
  INITIAL_SEQUENTIAL_STATE,
  sequentialLookBounds,
  sequentialRho2,
  updateSequentialState,
  type SequentialState,
} from '../../../shared/stats/index.ts';

const looks = [
  { estimate: 0.2, variance: 0.01, n: 1000 },
  { estimate: 0.1, variance: 0.004, n: 2500 },
  { estimate: 0.15, variance: 0.002, n: 5000 },
  { estimate: 0.12, variance: 0.001, n: 9000 },
];

describe('sequentialLookBounds', () => {
  it('is the README formula', () => {
    const rho2 = sequentialRho2(10000, 0.05);
    expect(rho2).toBeCloseTo((-2 * Math.log(0.05) + Math.log(1 - 2 * Math.log(0.05))) / 10000, 18);
    const k = 2500 * rho2;
    const { halfWidth, pValue } = sequentialLookBounds(looks[1], rho2, 0.05);
    expect(halfWidth).toBeCloseTo(
      Math.sqrt((0.004 * 2 * (k + 1) * Math.log(Math.sqrt(k + 1) / 0.05)) / k),
      14,
    );
    expect(pValue).toBeCloseTo(
      Math.min(1, Math.sqrt(k + 1) * Math.exp((-0.01 * k) / (2 * 0.004 * (k + 1)))),
      14,
    );
  });

  it('works at n = 1, where the sequence is very wide', () => {
    const rho2 = sequentialRho2(10000, 0.05);
    const { halfWidth, pValue } = sequentialLookBounds(
      { estimate: 1, variance: 1, n: 1 },
      rho2,
      0.05,
    );
    const k = rho2;
    // k = rho2 ~ 8e-4: the half-width is sqrt((k + 1) / k) ~ 35 standard errors times
    // sqrt(ln(k + 1) - 2 ln alpha) ~ 2.45, against 1.96 for a fixed-horizon interval.
    expect(halfWidth).toBeCloseTo(
      Math.sqrt(((k + 1) / k) * (Math.log(k + 1) - 2 * Math.log(0.05))),
      12,
    );
    expect(halfWidth!).toBeGreaterThan(35 * 1.96);
    expect(pValue).toBe(1);
  });

  it('has no p-value for 0 / 0 and a zero width for a zero variance', () => {
    const rho2 = sequentialRho2(100, 0.05);
    expect(sequentialLookBounds({ estimate: 0, variance: 0, n: 10 }, rho2, 0.05)).toEqual({
      halfWidth: 0,
      pValue: null,
    });
    expect(sequentialLookBounds({ estimate: 0.1, variance: 0, n: 10 }, rho2, 0.05).pValue).toBe(0);
    expect(sequentialLookBounds({ estimate: 0.1, variance: null, n: 10 }, rho2, 0.05)).toEqual({
      halfWidth: null,
      pValue: null,
    });
  });

  it('rejects n < 1 and invalid designs', () => {
    expect(() => sequentialLookBounds({ estimate: 0, variance: 1, n: 0 }, 0.001, 0.05)).toThrow(
      RangeError,
    );
    expect(() => sequentialRho2(0, 0.05)).toThrow(RangeError);
    expect(() => sequentialRho2(100, 1)).toThrow(RangeError);
  });
});

describe('the running state', () => {
  it('updated look by look (as the analysis stores it) gives the list function’s results', () => {
    const rho2 = sequentialRho2(10000, 0.05);
    const all = confidenceSequence(looks, 10000, 0.05);
    let state: SequentialState = INITIAL_SEQUENTIAL_STATE;
    looks.forEach((look, i) => {
      // Round-trip the state through JSON, as a database column would.
      state = JSON.parse(JSON.stringify(state)) as SequentialState;
      const step = updateSequentialState(state, look, rho2, 0.05);
      expect(step.result).toEqual(all.looks[i]);
      state = step.state;
    });
    expect(state).toEqual(all.state);
    expect(state.looks).toBe(4);
  });

  it('is the running intersection of the intervals and the running minimum of the p-values', () => {
    const result = confidenceSequence(looks, 10000, 0.05);
    const rho2 = result.rho2;
    let low = -Infinity;
    let high = Infinity;
    let p = 1;
    looks.forEach((look, i) => {
      const bounds = sequentialLookBounds(look, rho2, 0.05);
      low = Math.max(low, look.estimate - bounds.halfWidth!);
      high = Math.min(high, look.estimate + bounds.halfWidth!);
      p = Math.min(p, bounds.pValue!);
      expect([
        result.looks[i].ciLow,
        result.looks[i].ciHigh,
        result.looks[i].pValueRunning,
      ]).toEqual([low, high, p]);
    });
  });

  it('keeps the running values through a look without a variance', () => {
    const result = confidenceSequence(
      [looks[0], { estimate: 0.3, variance: null, n: 1500 }, looks[1]],
      10000,
      0.05,
    );
    expect(result.looks[1].halfWidth).toBeNull();
    expect(result.looks[1].ciLow).toBe(result.looks[0].ciLow);
    expect(result.looks[1].pValueRunning).toBe(result.looks[0].pValueRunning);
    expect(confidenceSequence([], 100, 0.05).state).toEqual(INITIAL_SEQUENTIAL_STATE);
  });
});
