/**
 * Benjamini-Hochberg false-discovery-rate adjustment of a family of p-values.
 */

/**
 * Benjamini-Hochberg adjusted p-values, in input order: with p_(1) <= ... <= p_(m) sorted,
 * q_(i) = min(1, min over j >= i of p_(j) / (j / m)). Null entries (tests that could not be
 * computed) stay null and do not count in m.
 * Source: Benjamini & Hochberg (1995), JRSS B 57(1); statsmodels
 * `multipletests(p, method='fdr_bh')[1]`.
 * @param pValues - raw p-values in [0, 1], or null
 * @returns the adjusted p-values, same length and order
 * @example benjaminiHochberg([0.01, 0.04, 0.03]) // [0.030000000000000002, 0.04, 0.04]
 */
export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const present = pValues
    .map((p, index) => ({ p, index }))
    .filter(
      (entry): entry is { p: number; index: number } => entry.p !== null && !Number.isNaN(entry.p),
    )
    .sort((x, y) => x.p - y.p || x.index - y.index);
  const m = present.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const { p, index } = present[rank - 1];
    running = Math.min(running, p / (rank / m));
    adjusted[index] = running;
  }
  return adjusted;
}
