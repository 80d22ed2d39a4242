/**
 * The canonical row order of a unit table: ascending unit id (UTF-16 code-unit order, as
 * `Array.prototype.sort` compares strings). Every floating-point accumulation over rows runs in
 * this order, so the models are bit-identical for every arrangement of the same rows.
 */

/**
 * Row indices in canonical order. Costs one linear check when the rows already arrive sorted by
 * unit id (the usual case); otherwise sorts an index permutation.
 *
 * @param unitIds - The unit id of each row (unique).
 * @returns `order` with `order[k]` the row at canonical position `k`.
 * @example canonicalRowOrder(['b', 'a']); // Uint32Array [1, 0]
 */
export function canonicalRowOrder(unitIds: readonly string[]): Uint32Array {
  const order = new Uint32Array(unitIds.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  let sorted = true;
  for (let i = 1; i < unitIds.length && sorted; i++) sorted = unitIds[i - 1] <= unitIds[i];
  if (sorted) return order;
  const indices = Array.from(order);
  indices.sort((a, b) => (unitIds[a] < unitIds[b] ? -1 : unitIds[a] > unitIds[b] ? 1 : a - b));
  return Uint32Array.from(indices);
}
