/**
 * Leakage checks: a feature that alone predicts the outcome almost perfectly is more likely a
 * copy of the outcome (an order id, a post-exposure total) than a covariate, and would swamp the
 * model. Each feature is scored alone against the outcome: the AUC of a 0/1 outcome (a
 * categorical feature scores each unit by its level's outcome rate, a numeric one by its value,
 * in whichever direction ranks better) and the absolute correlation with the outcome (a
 * categorical feature by the correlation ratio, the correlation of the outcome with its level
 * means; a numeric one by Pearson's r). At or past {@link LEAKAGE_THRESHOLD} the feature is
 * dropped and named in the model's flags. Categorical features are scored from per-pattern
 * sums, numeric ones with native typed-array sorts: a few passes over millions of rows.
 */
import { groupedAuc } from './cv-metrics.ts';
import type { ModelData } from './model-data.ts';
import type { NumericCovariate } from './numeric-covariates.ts';

/** AUC or |correlation| at or above this marks a feature as leaking the outcome. */
export const LEAKAGE_THRESHOLD = 0.99;

/** A feature found leaking, with the measure that found it. */
export interface Leak {
  readonly feature: string;
  readonly measure: 'auc' | 'correlation';
  readonly value: number;
}

/**
 * The features that leak the outcome.
 *
 * @param data - Prepared model data: its attributes (every factor but the variant, levels pooled
 *   as in the design) are the categorical features.
 * @param outcome - The outcome of each row of `data`.
 * @param binomial - Whether the outcome is 0/1 (then the AUC is checked too).
 * @param numeric - Numeric features, finite values aligned with the rows.
 * @returns One entry per leaking feature, categorical first, in the given order.
 * @example leakingFeatures(data, metric.values, true, [{ name: 'order_total', values }]);
 */
export function leakingFeatures(
  data: Pick<ModelData, 'factors' | 'patterns' | 'rows' | 'order'>,
  outcome: Float64Array,
  binomial: boolean,
  numeric: readonly NumericCovariate[],
): Leak[] {
  const leaks: Leak[] = [];
  const judge = (feature: string, auc: number, correlation: number): void => {
    if (binomial && auc >= LEAKAGE_THRESHOLD) leaks.push({ feature, measure: 'auc', value: auc });
    else if (Math.abs(correlation) >= LEAKAGE_THRESHOLD)
      leaks.push({ feature, measure: 'correlation', value: correlation });
  };
  const { patterns } = data;
  const patternUnits = new Float64Array(patterns.size);
  const patternSums = new Float64Array(patterns.size);
  let total = 0;
  for (let k = 0; k < data.order.length; k++) {
    const row = data.order[k];
    const g = patterns.patternOfRow[row];
    patternUnits[g]++;
    patternSums[g] += outcome[row];
    total += outcome[row];
  }
  const mean = total / data.rows;
  let totalSquares = 0;
  for (let k = 0; k < data.order.length; k++) {
    const deviation = outcome[data.order[k]] - mean;
    totalSquares += deviation * deviation;
  }
  for (let f = 1; f < data.factors.length; f++) {
    const size = data.factors[f].levels.length;
    const units = new Float64Array(size);
    const sums = new Float64Array(size);
    for (let g = 0; g < patterns.size; g++) {
      const level = patterns.levelOf[f][g];
      units[level] += patternUnits[g];
      sums[level] += patternSums[g];
    }
    let between = 0;
    for (let l = 0; l < size; l++) {
      if (units[l] > 0) between += units[l] * (sums[l] / units[l] - mean) ** 2;
    }
    const rates = sums.map((sum, l) => (units[l] > 0 ? sum / units[l] : 0));
    const auc = binomial
      ? groupedAuc(
          rates,
          sums,
          units.map((n, l) => n - sums[l]),
        )
      : Number.NaN;
    const ratio = totalSquares > 0 ? Math.sqrt(Math.min(1, between / totalSquares)) : Number.NaN;
    judge(data.factors[f].name, auc, ratio);
  }
  for (const feature of numeric) {
    const auc = binomial ? sortedAuc(feature.values, outcome) : Number.NaN;
    judge(feature.name, Math.max(auc, 1 - auc), pearson(feature.values, outcome));
  }
  return leaks;
}

/**
 * AUC of a score against a 0/1 outcome, ties counting 1/2: the positives' and negatives'
 * scores sorted natively, then one merge.
 */
function sortedAuc(scores: Float64Array, outcome: Float64Array): number {
  let positives = 0;
  for (let i = 0; i < outcome.length; i++) positives += outcome[i];
  const high = new Float64Array(positives);
  const low = new Float64Array(outcome.length - positives);
  let p = 0;
  let q = 0;
  for (let i = 0; i < outcome.length; i++) {
    if (outcome[i] === 1) high[p++] = scores[i];
    else low[q++] = scores[i];
  }
  if (high.length === 0 || low.length === 0) return Number.NaN;
  high.sort();
  low.sort();
  let below = 0;
  let concordant = 0;
  for (let i = 0; i < high.length; ) {
    const value = high[i];
    let tied = 0;
    while (i < high.length && high[i] === value) {
      tied++;
      i++;
    }
    while (below < low.length && low[below] < value) below++;
    let equal = 0;
    while (below + equal < low.length && low[below + equal] === value) equal++;
    concordant += tied * (below + 0.5 * equal);
  }
  return concordant / (high.length * low.length);
}

/** Pearson's correlation (two-pass), NaN when either side is constant. */
function pearson(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}
