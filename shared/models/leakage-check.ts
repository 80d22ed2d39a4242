/**
 * Leakage checks: a feature that alone predicts the outcome almost perfectly is more likely a
 * copy of the outcome (an order id, a post-exposure total) than a covariate, and would swamp the
 * model. Each feature is scored alone against the outcome: the AUC of a 0/1 outcome (a
 * categorical feature scores each unit by its level's outcome rate, a numeric one by its value,
 * in whichever direction ranks better) and the absolute correlation with the outcome (a
 * categorical feature by the correlation ratio, the correlation of the outcome with its level
 * means; a numeric one by Pearson's r). At or past {@link LEAKAGE_THRESHOLD} the feature is
 * dropped and named in the model's flags.
 */
import { groupedAuc } from './cv-metrics.ts';
import type { FactorLevels } from './factor-levels.ts';
import type { NumericCovariate } from './numeric-covariates.ts';
import type { CategoricalColumn } from './unit-table.ts';

/** AUC or |correlation| at or above this marks a feature as leaking the outcome. */
export const LEAKAGE_THRESHOLD = 0.99;

/** A feature found leaking, with the measure that found it. */
export interface Leak {
  readonly feature: string;
  readonly measure: 'auc' | 'correlation';
  readonly value: number;
}

/** A categorical feature: its design levels and the column they map. */
export interface CategoricalFeature {
  readonly levels: FactorLevels;
  readonly column: CategoricalColumn;
}

/**
 * The features that leak the outcome.
 *
 * @param outcome - The outcome of each row.
 * @param binomial - Whether the outcome is 0/1 (then the AUC is checked too).
 * @param categorical - Categorical features (design levels, rare ones pooled).
 * @param numeric - Numeric features, finite values aligned with the rows.
 * @returns One entry per leaking feature, categorical first, in the given order.
 * @example leakingFeatures(y, true, [], [{ name: 'order_total', values }]);
 */
export function leakingFeatures(
  outcome: Float64Array,
  binomial: boolean,
  categorical: readonly CategoricalFeature[],
  numeric: readonly NumericCovariate[],
): Leak[] {
  const leaks: Leak[] = [];
  const judge = (feature: string, auc: number, correlation: number): void => {
    if (binomial && auc >= LEAKAGE_THRESHOLD) leaks.push({ feature, measure: 'auc', value: auc });
    else if (Math.abs(correlation) >= LEAKAGE_THRESHOLD)
      leaks.push({ feature, measure: 'correlation', value: correlation });
  };
  for (const feature of categorical) {
    const level = levelOfRows(feature);
    const size = feature.levels.levels.length;
    const units = new Float64Array(size);
    const sums = new Float64Array(size);
    for (let i = 0; i < outcome.length; i++) {
      units[level[i]]++;
      sums[level[i]] += outcome[i];
    }
    const means = sums.map((sum, l) => (units[l] > 0 ? sum / units[l] : 0));
    const fitted = Float64Array.from(level, (l) => means[l]);
    const auc = binomial
      ? groupedAuc(
          means,
          sums,
          units.map((n, l) => n - sums[l]),
        )
      : Number.NaN;
    judge(feature.levels.name, auc, pearson(fitted, outcome));
  }
  for (const feature of numeric) {
    const auc = binomial
      ? groupedAuc(
          feature.values,
          outcome,
          outcome.map((y) => 1 - y),
        )
      : Number.NaN;
    judge(feature.name, Math.max(auc, 1 - auc), pearson(feature.values, outcome));
  }
  return leaks;
}

/** Design level of each row of a categorical feature. */
function levelOfRows(feature: CategoricalFeature): Int32Array {
  const slots = feature.column.levels.length;
  const codes = feature.column.codes;
  return Int32Array.from(codes, (code) => feature.levels.codeToLevel[code < slots ? code : slots]);
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
