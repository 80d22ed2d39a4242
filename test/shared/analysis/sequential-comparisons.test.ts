/**
 * The sequential view of a ratio metric: its look is the delta-method difference with the
 * variance its z interval implies, and the sequence is the reference's over that look.
 */
import { describe, expect, it } from 'vitest';
import { armMoments, withSequentialView } from '../../../shared/analysis/sequential-comparisons.ts';
import type { MetricResult } from '../../../shared/result/result-document.ts';
import { confidenceSequence, normalQuantile } from '../../../shared/stats/index.ts';

const variant = (name: string, users: number, mean: number) => ({
  variant: name,
  is_control: name === 'control',
  users,
  sum: mean * users,
  mean,
  sd: null,
  ci_low: null,
  ci_high: null,
});

const ratio = (difference: number | null, ci: [number | null, number | null]): MetricResult => ({
  name: 'revenue_per_order',
  type: 'ratio',
  variants: [variant('control', 4000, 50), variant('treatment', 4200, 52)],
  comparisons: [
    {
      variant: 'treatment',
      control: 'control',
      test: 'delta_method_z',
      statistic: null,
      p_value: 0.01,
      p_value_adjusted: 0.01,
      significant: true,
      difference,
      difference_ci: ci,
      relative_lift: difference === null ? null : difference / 50,
      relative_lift_ci: [null, null],
      df: null,
      cohens_d: null,
      mann_whitney: null,
      bayesian: null,
      cuped: null,
      guardrail_harmed: null,
    },
  ],
  winsorize: null,
  guardrail: null,
  segments: [],
  heterogeneity: [],
  decomposition: null,
});

const context = {
  moments: new Map(),
  plan: {
    variants: ['control', 'treatment'],
    control: 'control',
    expectedShare: new Map([
      ['control', 0.5],
      ['treatment', 0.5],
    ]),
  },
  alpha: 0.05,
  planned: { plannedUsers: 20000, source: 'definition' as const, mde: 0.05, power: 0.8 },
  earlier: () => [],
  practicalEffect: undefined,
  primaryMetric: 'revenue_per_order',
  guardrails: [],
};

describe('withSequentialView on a ratio metric', () => {
  it('takes the delta-method estimate and the variance of its z interval', () => {
    const { metrics, looks } = withSequentialView([ratio(2, [0.5, 3.5])], context);
    const se = 3 / (2 * normalQuantile(0.975));
    const expected = confidenceSequence(
      [{ estimate: 2, variance: se * se, n: 8200 }],
      20000,
      0.05,
    ).state;
    const sequential = metrics[0]?.comparisons[0]?.sequential;
    expect(sequential?.n).toBe(8200);
    expect(sequential?.ci[0]).toBeCloseTo(expected.ciLow ?? Number.NaN, 12);
    expect(sequential?.ci[1]).toBeCloseTo(expected.ciHigh ?? Number.NaN, 12);
    expect(sequential?.p_value).toBeCloseTo(expected.pValue ?? Number.NaN, 12);
    expect(looks[0]?.variance).toBeCloseTo(se * se, 15);
    expect(metrics[0]?.comparisons[0]?.decision?.action).toBeDefined();
  });

  it('has no interval when the ratio has none (a zero denominator)', () => {
    const { metrics } = withSequentialView([ratio(null, [null, null])], context);
    expect(metrics[0]?.comparisons[0]?.sequential?.ci).toEqual([null, null]);
    expect(metrics[0]?.comparisons[0]?.decision?.action).toBe('keep running');
  });
});

describe('armMoments', () => {
  const table = {
    unitIds: ['a', 'b', 'c', 'd'],
    variant: { levels: ['control', 'treatment'], codes: Uint32Array.from([0, 0, 1, 1]) },
    attributes: [],
    metrics: [
      { name: 'revenue', type: 'continuous' as const, values: Float64Array.from([1, 3, 2, 100]) },
    ],
  };
  const plan = context.plan;

  it('holds each value within the caps the analysis winsorized the metric to', () => {
    const capped = armMoments(table, plan, [
      { name: 'revenue', winsorize: { lower: 0, upper: 90, lower_cap: 1.5, upper_cap: 10 } },
    ]);
    expect(capped.get('revenue')?.get('control')?.mean).toBe(2.25);
    expect(capped.get('revenue')?.get('treatment')?.mean).toBe(6);
    const plain = armMoments(table, plan, [{ name: 'revenue', winsorize: null }]);
    expect(plain.get('revenue')?.get('treatment')?.mean).toBe(51);
  });
});
