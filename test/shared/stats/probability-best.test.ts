/**
 * Probability of being best over k Beta posteriors, Thompson allocation from it, and the normal
 * approximation's P(beat control) and expected loss for continuous metrics.
 */
import { describe, expect, it } from 'vitest';
import {
  compareBetaPosteriors,
  normalBeatControl,
  normalCdf,
  probabilityBest,
  probabilityBestOfPosteriors,
  thompsonAllocation,
} from '../../../shared/stats/index.ts';

describe('probabilityBest', () => {
  it('is exact on a small closed form: Beta(1, 2) vs Beta(2, 1) gives 1/6 and 5/6', () => {
    const [a, b] = probabilityBestOfPosteriors([
      { a: 1, b: 2 },
      { a: 2, b: 1 },
    ]);
    expect(a).toBeCloseTo(1 / 6, 13);
    expect(b).toBeCloseTo(5 / 6, 13);
  });

  it('agrees with the two-arm comparison at 100,000 users per arm', () => {
    const control = { a: 1 + 5000, b: 1 + 95000 };
    const treatment = { a: 1 + 5150, b: 1 + 94850 };
    const [, best] = probabilityBestOfPosteriors([control, treatment]);
    const pair = compareBetaPosteriors(control, treatment).probBeatControl;
    expect(Math.abs(best - pair) / pair).toBeLessThan(1e-9);
  });

  it('sums to 1 over many arms of very different widths', () => {
    const result = probabilityBest([
      { n: 200, successes: 12 },
      { n: 100000, successes: 5100 },
      { n: 5000, successes: 270 },
      { n: 100000, successes: 5000 },
      { n: 40, successes: 3 },
    ]);
    expect(result.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 9);
    expect(result.every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('gives 1/k to identical arms, and 1 to a single arm', () => {
    const same = probabilityBest(Array(3).fill({ n: 1000, successes: 100 }));
    same.forEach((p) => expect(p).toBeCloseTo(1 / 3, 10));
    expect(probabilityBest([{ n: 10, successes: 2 }])).toEqual([1]);
  });
});

describe('thompsonAllocation', () => {
  it('gives every arm at least the floor and sums to 1', () => {
    const weights = thompsonAllocation([0.001, 0.009, 0.99], 0.05);
    expect(weights.every((w) => w >= 0.05)).toBe(true);
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 15);
    expect(weights[2]).toBeCloseTo(0.05 + 0.85 * 0.99, 15);
  });

  it('defaults to a 1% floor and keeps the order', () => {
    const weights = thompsonAllocation([0.2, 0.8]);
    expect(weights).toEqual([0.01 + 0.98 * 0.2, 0.01 + 0.98 * 0.8]);
  });

  it('rejects a floor above 1 / k and invalid probabilities', () => {
    expect(() => thompsonAllocation([0.5, 0.5], 0.6)).toThrow(RangeError);
    expect(() => thompsonAllocation([0, 0])).toThrow(RangeError);
    expect(() => thompsonAllocation([-0.1, 1.1])).toThrow(RangeError);
    expect(() => thompsonAllocation([])).toThrow(RangeError);
  });
});

describe('normalBeatControl', () => {
  it('is Phi(d / se) and se phi(d / se) - d Phi(-d / se)', () => {
    const result = normalBeatControl(0.5, 2)!;
    expect(result.probBeatControl).toBeCloseTo(normalCdf(0.25), 15);
    const density = Math.exp(-0.5 * 0.25 * 0.25) / Math.sqrt(2 * Math.PI);
    expect(result.expectedLoss).toBeCloseTo(2 * density - 0.5 * normalCdf(-0.25), 15);
  });

  it('satisfies E[(-D)+] - E[D+] = -d and P(D > 0) + P(D < 0) = 1', () => {
    const up = normalBeatControl(0.3, 0.7)!;
    const down = normalBeatControl(-0.3, 0.7)!;
    expect(up.probBeatControl + down.probBeatControl).toBeCloseTo(1, 15);
    expect(up.expectedLoss - down.expectedLoss).toBeCloseTo(-0.3, 15);
  });

  it('is certain at se = 0 and null without a standard error', () => {
    expect(normalBeatControl(1, 0)).toEqual({ probBeatControl: 1, expectedLoss: 0 });
    expect(normalBeatControl(-1, 0)).toEqual({ probBeatControl: 0, expectedLoss: 1 });
    expect(normalBeatControl(0, 0)).toEqual({ probBeatControl: 0.5, expectedLoss: 0 });
    expect(normalBeatControl(1, null)).toBeNull();
    expect(normalBeatControl(null, 1)).toBeNull();
  });
});
