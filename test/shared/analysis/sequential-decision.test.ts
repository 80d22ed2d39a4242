/**
 * The decision of a watched comparison: ship above 0, harm below it (or above, for a metric
 * whose increase is the harm), futile inside the practical-effect band, else keep running; each
 * with its reason in words.
 */
import { describe, expect, it } from 'vitest';
import {
  practicalBand,
  sequentialDecision,
  type DecisionInput,
} from '../../../shared/analysis/sequential-decision.ts';

const base: DecisionInput = {
  metric: 'conversion',
  variant: 'one_page',
  ci: [-0.01, 0.02],
  pValue: 0.4,
  alpha: 0.05,
  looks: 3,
  n: 5000,
  nPlanned: 20000,
  bad: 'decrease',
  band: null,
};

describe('sequentialDecision', () => {
  it.each([
    [[0.001, 0.02], 'decrease', null, 'ship', 'lies above 0: one_page improves conversion'],
    [
      [-0.03, -0.002],
      'decrease',
      null,
      'stop: harm',
      'lies below 0: one_page makes conversion worse',
    ],
    [
      [0.001, 0.02],
      'increase',
      null,
      'stop: harm',
      'lies above 0: one_page makes conversion worse',
    ],
    [[-0.03, -0.002], 'increase', null, 'ship', 'lies below 0: one_page improves conversion'],
    [
      [-0.004, 0.003],
      'decrease',
      [-0.005, 0.005],
      'stop: futile',
      'inside the practical-effect band [-0.005, 0.005]',
    ],
    [
      [-0.006, 0.003],
      'decrease',
      [-0.005, 0.005],
      'keep running',
      'reaches outside the practical-effect band',
    ],
    [
      [-0.01, 0.02],
      'decrease',
      null,
      'keep running',
      'still contains 0; 5,000 of 20,000 planned users (25%)',
    ],
  ] as const)('ci %j (bad: %s, band %j) -> %s', (ci, bad, band, action, words) => {
    const decision = sequentialDecision({ ...base, ci, bad, band });
    expect(decision.action).toBe(action);
    expect(decision.reason).toContain(words);
    expect(decision.reason).toContain('95% confidence sequence');
  });

  it('keeps running before any valid look', () => {
    const decision = sequentialDecision({ ...base, ci: [null, null] });
    expect(decision).toEqual({
      action: 'keep running',
      reason:
        'no confidence sequence yet for conversion in one_page (an arm is empty or has no variance); 5,000 of 20,000 planned users (25%)',
    });
  });
});

describe('practicalBand', () => {
  it('scales relative lifts by the control mean', () => {
    expect(practicalBand(0.1, 0.05)).toEqual([-0.1 * 0.05, 0.1 * 0.05]);
    expect(practicalBand({ lower: -0.02, upper: 0.01 }, -200)).toEqual([-4, 2]);
  });

  it('has no band without a setting or with a control mean of 0', () => {
    expect(practicalBand(undefined, 0.05)).toBeNull();
    expect(practicalBand(0.1, 0)).toBeNull();
    expect(practicalBand(0.1, null)).toBeNull();
  });
});
