/**
 * The decision metrics of summarizeExperiment on small hand-built tables, at the edges the
 * reference names: zero denominators, a constant covariate, q = 0; and rare segment levels
 * pooled into `other`, guardrail harm by direction, the revenue decomposition's identity and the
 * multi-arm allocation. Expected values come from independent arithmetic in the test (or
 * simple-statistics), never from the code under test.
 */
import { mean, sampleCovariance, sampleVariance } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import type { VariantPlan } from '../../../shared/analysis/experiment-definition.ts';
import type { MetricSettings } from '../../../shared/analysis/metric-settings.ts';
import { summarizeExperiment } from '../../../shared/analysis/summarize-experiment.ts';
import type { UnitTable } from '../../../shared/models/unit-table.ts';
import { normalCdf, THOMPSON_FLOOR } from '../../../shared/stats/index.ts';
import { normalProbabilityBest } from '../../../shared/stats/normal-probability-best.ts';

interface Row {
  readonly variant: string;
  readonly device?: string;
  readonly y: number;
  readonly x?: number;
}

function tableOf(rows: readonly Row[], type: 'binomial' | 'continuous' = 'continuous'): UnitTable {
  const levels = [...new Set(rows.map((r) => r.variant))].sort();
  const devices = [...new Set(rows.map((r) => r.device ?? 'any'))].sort();
  return {
    unitIds: rows.map((_, i) => `u${i}`),
    variant: { levels, codes: Uint32Array.from(rows, (r) => levels.indexOf(r.variant)) },
    attributes: [
      {
        name: 'device',
        column: {
          levels: devices,
          codes: Uint32Array.from(rows, (r) => devices.indexOf(r.device ?? 'any')),
        },
      },
    ],
    metrics: [{ name: 'm', type, values: Float64Array.from(rows, (r) => r.y) }],
  };
}

function planOf(variants: readonly string[]): VariantPlan {
  return {
    variants,
    control: variants[0] ?? 'control',
    expectedShare: new Map(variants.map((v) => [v, 1 / variants.length])),
  };
}

function settings(name: string, partial: Partial<MetricSettings>): Map<string, MetricSettings> {
  return new Map([
    [name, { name, type: 'continuous', winsorize: null, cuped: null, guardrail: null, ...partial }],
  ]);
}

/** A deterministic spread of values: 0, 1, ..., k - 1 shifted. */
const spread = (k: number, shift: number) => Array.from({ length: k }, (_, i) => (i % 7) + shift);

describe('ratio metrics', () => {
  const table = tableOf([
    ...spread(40, 0).map(() => ({ variant: 'control', y: 0 })),
    ...spread(40, 0).map(() => ({ variant: 'treatment', y: 0 })),
  ]);
  const numerator = Float64Array.from({ length: 80 }, (_, i) => (i % 5) * 10);
  const denominator = Float64Array.from({ length: 80 }, (_, i) => (i % 5 === 0 ? 0 : (i % 3) + 1));

  it('counts every exposed user, zero denominators included, and uses the delta method', () => {
    const result = summarizeExperiment(table, planOf(['control', 'treatment']), 0.05, {
      order: ['r'],
      ratios: [{ name: 'r', numerator, denominator }],
    });
    const [metric] = result.metrics;
    expect(metric?.type).toBe('ratio');
    const control = metric?.variants[0];
    const num = [...numerator.slice(0, 40)].reduce((a, b) => a + b, 0);
    const den = [...denominator.slice(0, 40)].reduce((a, b) => a + b, 0);
    expect(control?.users).toBe(40);
    expect(control?.numerator_sum).toBe(num);
    expect(control?.denominator_sum).toBe(den);
    expect(control?.mean).toBeCloseTo(num / den, 12);
    expect(metric?.comparisons[0]?.test).toBe('delta_method_z');
    expect(metric?.comparisons[0]?.p_value_adjusted).not.toBeNull();
  });

  it('is undefined, never NaN, when an arm has no denominator at all', () => {
    const zero = Float64Array.from(denominator, (d, i) => (i < 40 ? 0 : d));
    const result = summarizeExperiment(table, planOf(['control', 'treatment']), 0.05, {
      order: ['r'],
      ratios: [{ name: 'r', numerator, denominator: zero }],
    });
    const [metric] = result.metrics;
    expect(metric?.variants[0]?.mean).toBeNull();
    expect(metric?.variants[0]?.ci_low).toBeNull();
    const comparison = metric?.comparisons[0];
    expect([
      comparison?.test,
      comparison?.difference,
      comparison?.p_value,
      comparison?.p_value_adjusted,
    ]).toEqual([null, null, null, null]);
  });
});

describe('CUPED beside the plain estimate', () => {
  const rows: Row[] = Array.from({ length: 200 }, (_, i) => {
    const x = (i * 37) % 50;
    return { variant: i % 2 === 0 ? 'control' : 'treatment', y: 2 * x + (i % 3) + (i % 2), x };
  });

  it('pools theta over the arms and shrinks the interval', () => {
    const table = tableOf(rows);
    const covariate = Float64Array.from(rows, (r) => r.x ?? 0);
    const result = summarizeExperiment(table, planOf(['control', 'treatment']), 0.05, {
      settings: settings('m', { cuped: { lookbackDays: 14, covariate: null } }),
      covariates: new Map([['m', covariate]]),
    });
    const comparison = result.metrics[0]?.comparisons[0];
    const xs = rows.map((r) => r.x ?? 0);
    const ys = rows.map((r) => r.y);
    expect(comparison?.cuped?.theta).toBeCloseTo(sampleCovariance(xs, ys) / sampleVariance(xs), 10);
    const width = (ci: readonly (number | null)[] | undefined) => (ci?.[1] ?? 0) - (ci?.[0] ?? 0);
    expect(width(comparison?.cuped?.difference_ci)).toBeLessThan(
      width(comparison?.difference_ci) / 3,
    );
    expect(comparison?.cuped?.variance_reduction).toBeGreaterThan(0.9);
    // Its p-value is reported, not adjusted: the family holds the plain one.
    expect(comparison?.p_value_adjusted).toBe(comparison?.p_value);
  });

  it('changes nothing with a constant covariate (theta 0)', () => {
    const table = tableOf(rows);
    const result = summarizeExperiment(table, planOf(['control', 'treatment']), 0.05, {
      settings: settings('m', { cuped: { lookbackDays: 14, covariate: null } }),
      covariates: new Map([['m', new Float64Array(rows.length).fill(3)]]),
    });
    const comparison = result.metrics[0]?.comparisons[0];
    expect(comparison?.cuped?.theta).toBe(0);
    expect(comparison?.cuped?.difference).toBeCloseTo(comparison?.difference ?? NaN, 12);
    expect(comparison?.cuped?.variance_reduction).toBeCloseTo(0, 12);
  });

  it('is null without cuped', () => {
    const result = summarizeExperiment(tableOf(rows), planOf(['control', 'treatment']), 0.05);
    expect(result.metrics[0]?.comparisons[0]?.cuped).toBeNull();
    expect(result.metrics[0]?.guardrail).toBeNull();
    expect(result.metrics[0]?.segments).toEqual([]);
    expect(result.allocation).toBeNull();
  });
});

describe('segments', () => {
  // Two device levels with identical data in each arm: identical effects, so q = 0.
  const level = (device: string): Row[] => [
    ...spread(35, 0).map((y) => ({ variant: 'control', device, y })),
    ...spread(35, 1).map((y) => ({ variant: 'treatment', device, y })),
  ];
  const rare: Row[] = [
    ...spread(10, 0).map((y) => ({ variant: 'control', device: 'tablet', y })),
    ...spread(50, 5).map((y) => ({ variant: 'treatment', device: 'tablet', y })),
  ];

  it('gives q = 0 and I^2 = 0 for equal effects, and pools a rare level into other', () => {
    const table = tableOf([...level('desktop'), ...level('mobile'), ...rare]);
    const result = summarizeExperiment(table, planOf(['control', 'treatment']), 0.05, {
      segments: { attributes: ['device'], correction: 'bonferroni' },
    });
    const metric = result.metrics[0];
    expect(metric?.segments.map((s) => s.level)).toEqual(['desktop', 'mobile', 'other']);
    expect(metric?.segments[2]?.variants.map((v) => v.users)).toEqual([10, 50]);
    const desktop = metric?.segments[0]?.comparisons[0];
    expect(desktop?.difference).toBeCloseTo(1, 12);
    // Bonferroni over the three levels of the one segment.
    expect(desktop?.p_value_adjusted).toBeCloseTo(Math.min(1, 3 * (desktop?.p_value ?? NaN)), 12);
    const withoutRare = summarizeExperiment(
      tableOf([...level('desktop'), ...level('mobile')]),
      planOf(['control', 'treatment']),
      0.05,
      { segments: { attributes: ['device'], correction: 'bh' } },
    );
    expect(withoutRare.metrics[0]?.heterogeneity).toEqual([
      { attribute: 'device', variant: 'treatment', q: 0, df: 1, p_value: 1, i_squared: 0 },
    ]);
  });
});

describe('guardrails', () => {
  const rows: Row[] = [
    ...spread(100, 10).map((y) => ({ variant: 'control', y })),
    ...spread(100, 13).map((y) => ({ variant: 'treatment', y })),
  ];

  it.each([
    ['increase', true],
    ['decrease', false],
  ] as const)(
    'a significant increase harms a guardrail whose bad side is %s: %s',
    (bad, harmed) => {
      const result = summarizeExperiment(tableOf(rows), planOf(['control', 'treatment']), 0.05, {
        settings: settings('m', { guardrail: bad }),
      });
      const metric = result.metrics[0];
      expect(metric?.comparisons[0]?.significant).toBe(true);
      expect(metric?.comparisons[0]?.guardrail_harmed).toBe(harmed);
      expect(metric?.guardrail).toEqual({ bad, harmed });
    },
  );
});

describe('continuous decisions', () => {
  const rows: Row[] = [
    ...spread(60, 0).map((y) => ({ variant: 'a', y })),
    ...spread(60, 0.2).map((y) => ({ variant: 'b', y })),
    ...spread(60, 0.5).map((y) => ({ variant: 'c', y })),
  ];

  it('gives P(beat control) from the normal approximation of the difference', () => {
    const result = summarizeExperiment(tableOf(rows), planOf(['a', 'b', 'c']), 0.05);
    const comparison = result.metrics[0]?.comparisons[0];
    const a = rows.filter((r) => r.variant === 'a').map((r) => r.y);
    const b = rows.filter((r) => r.variant === 'b').map((r) => r.y);
    const se = Math.sqrt(sampleVariance(a) / a.length + sampleVariance(b) / b.length);
    expect(comparison?.bayesian?.prob_beat_control).toBeCloseTo(
      normalCdf((mean(b) - mean(a)) / se),
      12,
    );
  });

  it('recommends Thompson weights with the floor for three arms', () => {
    const result = summarizeExperiment(tableOf(rows), planOf(['a', 'b', 'c']), 0.05);
    const allocation = result.allocation;
    expect(allocation?.floor).toBe(THOMPSON_FLOOR);
    const probabilities = allocation?.arms.map((arm) => arm.probability_best) ?? [];
    expect(probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 8);
    expect(allocation?.arms.map((arm) => arm.variant)).toEqual(['a', 'b', 'c']);
    for (const arm of allocation?.arms ?? [])
      expect(arm.weight).toBeGreaterThanOrEqual(THOMPSON_FLOOR);
    expect(probabilities[2]).toBeGreaterThan(probabilities[1] ?? 1);
  });

  it('probability best of two normal arms is the closed form P(A > B)', () => {
    const [pa] = normalProbabilityBest([
      { mean: 1.2, standardError: 0.3 },
      { mean: 1, standardError: 0.4 },
    ]);
    expect(pa).toBeCloseTo(normalCdf(0.2 / 0.5), 9);
  });
});

describe('the revenue decomposition', () => {
  it('multiplies: (1 + per user) = (1 + conversion) (1 + per buyer)', () => {
    const rows: Row[] = [
      ...spread(80, 0).map((y, i) => ({ variant: 'control', y: i % 4 === 0 ? y * 10 + 5 : 0 })),
      ...spread(80, 0).map((y, i) => ({ variant: 'treatment', y: i % 3 === 0 ? y * 12 + 5 : 0 })),
    ];
    const table = {
      ...tableOf(rows),
      metrics: [
        {
          name: 'revenue',
          type: 'continuous' as const,
          values: Float64Array.from(rows, (r) => r.y),
        },
      ],
    };
    const result = summarizeExperiment(table, planOf(['control', 'treatment']), 0.05);
    const [d] = result.metrics[0]?.decomposition ?? [];
    expect(d?.conversion_rate.control).toBeCloseTo(20 / 80, 12);
    expect(d?.conversion_rate.treatment).toBeCloseTo(27 / 80, 12);
    const lift = (x: number | null | undefined) => 1 + (x ?? NaN);
    expect(lift(d?.revenue_per_user.relative_lift)).toBeCloseTo(
      lift(d?.conversion_rate.relative_lift) * lift(d?.revenue_per_buyer.relative_lift),
      12,
    );
  });
});

describe('winsorizing', () => {
  it('caps at the percentiles of the pooled per-user values (type 7)', () => {
    const values = [...Array.from({ length: 99 }, (_, i) => i), 10_000];
    const rows: Row[] = values.map((y, i) => ({
      variant: i % 2 === 0 ? 'control' : 'treatment',
      y,
    }));
    const result = summarizeExperiment(tableOf(rows), planOf(['control', 'treatment']), 0.05, {
      settings: settings('m', { winsorize: { lower: 0, upper: 99 } }),
    });
    const metric = result.metrics[0];
    // h = 0.99 (100 - 1) = 98.01: between the 99th and 100th order statistics, 98 and 10,000.
    const cap = 98 + 0.01 * (10_000 - 98);
    expect(metric?.winsorize).toEqual({
      lower: 0,
      upper: 99,
      lower_cap: 0,
      upper_cap: expect.closeTo(cap, 9),
    });
    const treated = values.filter((_, i) => i % 2 === 1).map((y) => Math.min(cap, y));
    expect(metric?.variants[1]?.mean).toBeCloseTo(mean(treated), 9);
  });
});
