/**
 * The report's charts as SVG files: which charts an analysis gets (a forest plot per metric
 * with a lift, the cumulative lift when days are known, the sequential band only when the days
 * carry a confidence sequence), safe file names, escaped text, and marks where the numbers say.
 */
import { describe, expect, it } from 'vitest';
import type { CumulativeLiftPoint } from '../../../shared/analysis/cumulative-lift.ts';
import { plotFileName, reportPlots } from '../../../shared/report/report-plots.ts';
import { sequencePoints } from '../../../shared/report/sequence-points.ts';
import { escapeXml, forestPlotSvg } from '../../../shared/report/svg-charts.ts';
import type { MetricResult } from '../../../shared/result/result-document.ts';

const comparison = (variant: string, lift: number | null, ci: [number, number]) => ({
  variant,
  control: 'control',
  test: 'welch_t' as const,
  statistic: 1,
  p_value: 0.2,
  p_value_adjusted: 0.2,
  significant: false,
  difference: 1,
  difference_ci: [0, 2] as [number, number],
  relative_lift: lift,
  relative_lift_ci: ci,
  df: 10,
  cohens_d: 0.1,
  mann_whitney: null,
  bayesian: null,
  cuped: null,
  guardrail_harmed: null,
});

const metric = (name: string, lift: number | null): MetricResult => ({
  name,
  type: 'continuous',
  variants: [],
  comparisons: [comparison('treatment', lift, [-0.1, 0.3])],
  winsorize: null,
  guardrail: null,
  segments: [],
  heterogeneity: [],
  decomposition: null,
});

const day = (date: string, extra: object = {}): CumulativeLiftPoint =>
  ({
    date,
    metric: 'revenue',
    variant: 'treatment',
    users: 100,
    relative_lift: 0.1,
    ci_low: -0.2,
    ci_high: 0.4,
    ...extra,
  }) as CumulativeLiftPoint;

describe('reportPlots', () => {
  it('draws a forest plot per metric with a lift, the cumulative lift where days are known', () => {
    const plots = reportPlots({
      experiment: { alpha: 0.05, metrics: [metric('revenue', 0.1), metric('none', null)] },
      cumulativeLift: [day('2026-01-02'), day('2026-01-01')],
    });
    expect(plots.map((p) => p.name)).toEqual(['forest-revenue.svg', 'cumulative-lift-revenue.svg']);
    expect(plots[0]?.svg).toContain(
      '<title>Relative lift of revenue vs control (95% intervals)</title>',
    );
  });

  it('adds the sequential band from the results by day, the sequence scaled by the control mean', () => {
    const row = (date: string, ci: [number | null, number | null], controlMean: number | null) => ({
      date,
      metric: 'revenue',
      variant: 'treatment',
      users: 100,
      control_mean: controlMean,
      difference: 1,
      difference_ci: [0, 2] as [number, number],
      relative_lift: 0.1,
      relative_lift_ci: [0, 0.2] as [number, number],
      p_value: 0.2,
      sequential_ci: ci,
      sequential_p_value: 0.5,
    });
    const without = reportPlots({
      experiment: {
        alpha: 0.1,
        metrics: [metric('revenue', 0.1)],
        by_day: [row('2026-01-01', [null, null], 10)],
      },
      cumulativeLift: [day('2026-01-01')],
    });
    expect(without.map((p) => p.name)).toEqual([
      'forest-revenue.svg',
      'cumulative-lift-revenue.svg',
    ]);
    const plots = reportPlots({
      experiment: {
        alpha: 0.1,
        metrics: [metric('revenue', 0.1)],
        by_day: [row('2026-01-02', [-3, 5], 10), row('2026-01-01', [-5, 7], 10)],
      },
      cumulativeLift: [day('2026-01-01'), day('2026-01-02')],
    });
    expect(plots.map((p) => p.name)).toEqual([
      'forest-revenue.svg',
      'cumulative-lift-revenue.svg',
      'sequential-revenue.svg',
    ]);
    expect(plots[0]?.svg).toContain('(90% intervals)');
    expect(sequencePoints([row('2026-01-01', [-5, 7], 10)])[0]).toMatchObject({
      ci_low: -0.5,
      ci_high: 0.7,
    });
    expect(sequencePoints([row('2026-01-01', [-5, 7], 0)])[0]).toMatchObject({
      ci_low: null,
      ci_high: null,
    });
  });

  it('names files safely, two metrics never sharing one', () => {
    expect(plotFileName('forest', 'revenue')).toBe('forest-revenue.svg');
    const a = plotFileName('forest', 'revenue/user');
    const b = plotFileName('forest', 'revenue user');
    expect(a).toMatch(/^forest-revenue_user-[0-9a-f]{8}\.svg$/);
    expect(b).toMatch(/^forest-revenue_user-[0-9a-f]{8}\.svg$/);
    expect(a).not.toBe(b);
  });

  it('escapes text and puts the estimate where the axis says', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const svg = forestPlotSvg('t', [
      { label: '<b>', estimate: 0, low: -0.2, high: 0.2, significant: true },
    ]);
    expect(svg).toContain('&lt;b&gt;');
    expect(svg).not.toContain('<b>');
    // The zero line and the estimate's square share an x: the square is 10 wide around it.
    const zero = Number(/<line x1="([\d.]+)" y1="40"[^>]*stroke-dasharray/.exec(svg)?.[1]);
    const square = Number(/<rect x="([\d.]+)" y="[\d.]+" width="10"/.exec(svg)?.[1]);
    expect(square + 5).toBeCloseTo(zero, 1);
  });
});
