/**
 * Revenue per user = conversion rate x revenue per buyer (a buyer: a user whose revenue is above
 * 0), each with its relative lift and interval per treatment, so a reader sees which factor
 * moved. The lifts multiply: (1 + per user) = (1 + conversion) (1 + per buyer).
 */
import { compareBinomial, compareContinuous, momentsOf } from '../stats/index.ts';
import type { Comparison, RevenueDecomposition } from '../result/result-document.ts';
import type { ArmRows } from './cuped-estimate.ts';
import { gather } from './row-selection.ts';

/** The metric name that is decomposed. */
export const DECOMPOSED_METRIC = 'revenue';

/**
 * Decomposes a revenue metric per treatment.
 * @param values - revenue per user (after winsorizing, when asked)
 * @param arms - every arm's rows
 * @param control - the control's name
 * @param comparisons - the metric's own comparisons (revenue per user)
 * @param alpha - significance level of the intervals
 * @returns one decomposition per treatment
 * @example revenueDecomposition(values, arms, 'control', comparisons, 0.05)[0].conversion_rate.relative_lift
 */
export function revenueDecomposition(
  values: Float64Array,
  arms: readonly ArmRows[],
  control: string,
  comparisons: readonly Comparison[],
  alpha: number,
): RevenueDecomposition[] {
  const parts = new Map(
    arms.map((arm) => {
      const all = gather(values, arm.rows);
      const buyers = all.filter((value) => value > 0);
      return [arm.variant, { all, buyers }] as const;
    }),
  );
  const c = parts.get(control);
  if (c === undefined) return [];
  const mean = (v: Float64Array) => (v.length > 0 ? momentsOf(v).mean : null);
  const rate = (p: { all: Float64Array; buyers: Float64Array }) =>
    p.all.length > 0 ? p.buyers.length / p.all.length : null;
  return comparisons.flatMap((comparison) => {
    const t = parts.get(comparison.variant);
    if (t === undefined) return [];
    const conversion = compareBinomial(
      { n: c.all.length, successes: c.buyers.length },
      { n: t.all.length, successes: t.buyers.length },
      alpha,
    );
    const perBuyer = compareContinuous(
      { moments: momentsOf(c.buyers) },
      { moments: momentsOf(t.buyers) },
      alpha,
    );
    return [
      {
        variant: comparison.variant,
        revenue_per_user: {
          control: mean(c.all),
          treatment: mean(t.all),
          relative_lift: comparison.relative_lift,
          relative_lift_ci: comparison.relative_lift_ci,
        },
        conversion_rate: {
          control: rate(c),
          treatment: rate(t),
          relative_lift: conversion.relative_lift,
          relative_lift_ci: conversion.relative_lift_ci,
        },
        revenue_per_buyer: {
          control: mean(c.buyers),
          treatment: mean(t.buyers),
          relative_lift: perBuyer.relative_lift,
          relative_lift_ci: perBuyer.relative_lift_ci,
        },
      },
    ];
  });
}
