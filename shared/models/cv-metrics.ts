/**
 * Out-of-fold prediction metrics on grouped predictions: every unit of a cell (pattern, fold)
 * shares one prediction, so the metrics take per-cell counts instead of per-unit rows.
 */

/** Probabilities are clipped to [LOG_LOSS_EPSILON, 1 - LOG_LOSS_EPSILON] in the log loss. */
export const LOG_LOSS_EPSILON = 1e-15;

/**
 * Area under the ROC curve: the probability that a random positive unit scores above a random
 * negative one, ties counting 1/2 (the Mann-Whitney form; equals sklearn's roc_auc_score).
 *
 * @param scores - Score of each group.
 * @param positives - Positive units per group.
 * @param negatives - Negative units per group.
 * @returns The AUC, or NaN without both classes.
 * @see sklearn.metrics.roc_auc_score
 * @example groupedAuc(Float64Array.of(0.2, 0.8), Float64Array.of(0, 1), Float64Array.of(1, 0)); // 1
 */
export function groupedAuc(
  scores: Float64Array,
  positives: Float64Array,
  negatives: Float64Array,
): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).filter(
    (i) => positives[i] + negatives[i] > 0,
  );
  order.sort((a, b) => (scores[a] < scores[b] ? -1 : scores[a] > scores[b] ? 1 : a - b));
  let negativesBelow = 0;
  let totalPositives = 0;
  let concordant = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    let tiedPositives = 0;
    let tiedNegatives = 0;
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      tiedPositives += positives[order[end]];
      tiedNegatives += negatives[order[end]];
      end++;
    }
    concordant += tiedPositives * (negativesBelow + 0.5 * tiedNegatives);
    negativesBelow += tiedNegatives;
    totalPositives += tiedPositives;
    start = end;
  }
  return totalPositives > 0 && negativesBelow > 0
    ? concordant / (totalPositives * negativesBelow)
    : Number.NaN;
}

/**
 * Mean binary log loss -[y log p + (1 - y) log(1 - p)] over units, p clipped by {@link LOG_LOSS_EPSILON}.
 *
 * @param probabilities - Predicted probability of each group.
 * @param positives - Positive units per group.
 * @param negatives - Negative units per group.
 * @returns The mean log loss (NaN without units).
 * @see sklearn.metrics.log_loss
 * @example groupedLogLoss(Float64Array.of(0.5), Float64Array.of(1), Float64Array.of(1)); // ln 2
 */
export function groupedLogLoss(
  probabilities: Float64Array,
  positives: Float64Array,
  negatives: Float64Array,
): number {
  let loss = 0;
  let units = 0;
  for (let i = 0; i < probabilities.length; i++) {
    if (positives[i] + negatives[i] === 0) continue;
    const p = Math.min(Math.max(probabilities[i], LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
    if (positives[i] > 0) loss -= positives[i] * Math.log(p);
    if (negatives[i] > 0) loss -= negatives[i] * Math.log1p(-p);
    units += positives[i] + negatives[i];
  }
  return units > 0 ? loss / units : Number.NaN;
}
