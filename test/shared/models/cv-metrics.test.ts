import { describe, expect, it } from 'vitest';
import { groupedAuc, groupedLogLoss } from '../../../shared/models/cv-metrics.ts';

describe('groupedAuc', () => {
  it('counts ties as one half', () => {
    // Positives score 0.2, 0.5, 0.5; negatives 0.5, 0.1. Pairs: (0.2 vs 0.5) 0, (0.2 vs 0.1) 1,
    // (0.5 vs 0.5) 1/2 twice, (0.5 vs 0.1) 1 twice: 4 of 6.
    const auc = groupedAuc(
      Float64Array.of(0.2, 0.5, 0.1),
      Float64Array.of(1, 2, 0),
      Float64Array.of(0, 1, 1),
    );
    expect(auc).toBeCloseTo(4 / 6, 15);
  });

  it('is NaN with one class only', () => {
    expect(groupedAuc(Float64Array.of(0.3), Float64Array.of(2), Float64Array.of(0))).toBeNaN();
  });
});

describe('groupedLogLoss', () => {
  it('weights each group by its units and clips probabilities', () => {
    const loss = groupedLogLoss(
      Float64Array.of(0.25, 1),
      Float64Array.of(1, 1),
      Float64Array.of(3, 1),
    );
    const clipped = 1 - 1e-15;
    const expected =
      -(Math.log(0.25) + 3 * Math.log(0.75) + Math.log(clipped) + Math.log1p(-clipped)) / 6;
    expect(loss).toBeCloseTo(expected, 12);
  });
});
