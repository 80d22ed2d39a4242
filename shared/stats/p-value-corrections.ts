/**
 * Multiple-testing corrections of a family of p-values: Bonferroni and Holm (family-wise error),
 * Benjamini-Hochberg (false discovery rate, `benjamini-hochberg.ts`), and a dispatch by name for
 * settings such as `segment_correction`.
 */
import { benjaminiHochberg } from './benjamini-hochberg.ts';

/** A correction by its setting name. */
export type PValueCorrection = 'bh' | 'holm' | 'bonferroni' | 'none';

/** The present (non-null, non-NaN) p-values with their input positions, ascending. */
function presentSorted(pValues: readonly (number | null)[]): { p: number; index: number }[] {
  return pValues
    .map((p, index) => ({ p, index }))
    .filter(
      (entry): entry is { p: number; index: number } => entry.p !== null && !Number.isNaN(entry.p),
    )
    .sort((x, y) => x.p - y.p || x.index - y.index);
}

/**
 * Bonferroni-adjusted p-values min(1, m p), in input order. Null entries stay null and do not
 * count in m.
 * Source: Bonferroni (1936); statsmodels `multipletests(p, method='bonferroni')[1]`.
 * @param pValues - raw p-values in [0, 1], or null
 * @returns the adjusted p-values, same length and order
 * @example bonferroni([0.01, 0.04, null]) // [0.02, 0.08, null]
 */
export function bonferroni(pValues: readonly (number | null)[]): (number | null)[] {
  const m = presentSorted(pValues).length;
  return pValues.map((p) => (p === null || Number.isNaN(p) ? null : Math.min(1, m * p)));
}

/**
 * Holm's step-down adjusted p-values, in input order: with p_(1) <= ... <= p_(m),
 * q_(i) = min(1, max over j <= i of (m - j + 1) p_(j)). Null entries stay null and do not count
 * in m.
 * Source: Holm (1979), "A Simple Sequentially Rejective Multiple Test Procedure", Scandinavian
 * Journal of Statistics 6(2); statsmodels `multipletests(p, method='holm')[1]`.
 * @param pValues - raw p-values in [0, 1], or null
 * @returns the adjusted p-values, same length and order
 * @example holm([0.498497, 0.174489, 0.00584747]) // [0.498497, 0.348978, 0.017542409999999998]
 */
export function holm(pValues: readonly (number | null)[]): (number | null)[] {
  const present = presentSorted(pValues);
  const m = present.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  present.forEach(({ p, index }, rank) => {
    running = Math.max(running, (m - rank) * p);
    adjusted[index] = Math.min(1, running);
  });
  return adjusted;
}

/**
 * Adjusts a family of p-values by the named correction: `bh` (Benjamini-Hochberg), `holm`,
 * `bonferroni`, or `none` (the raw p-values).
 * Source: see {@link holm}, {@link bonferroni} and `benjaminiHochberg`.
 * @param pValues - raw p-values in [0, 1], or null
 * @param correction - the correction's name
 * @returns the adjusted p-values, same length and order, capped at 1
 * @example adjustPValues([0.01, 0.04], 'holm') // [0.02, 0.04]
 */
export function adjustPValues(
  pValues: readonly (number | null)[],
  correction: PValueCorrection,
): (number | null)[] {
  switch (correction) {
    case 'bh':
      return benjaminiHochberg(pValues);
    case 'holm':
      return holm(pValues);
    case 'bonferroni':
      return bonferroni(pValues);
    case 'none':
      return pValues.map((p) => (p === null || Number.isNaN(p) ? null : p));
  }
}
