/**
 * Cross-validation folds from a hash of the unit id: deterministic, independent of row order and
 * of batch splits. Units are ordered by hash(seed, unit id) (ties by unit id) and dealt to folds
 * round-robin, within each outcome class when stratified (the logistic model), so fold sizes and
 * class counts per fold differ by at most one.
 */

/** Number of cross-validation folds (DESIGN.md: k = 5). */
export const CV_FOLDS = 5;

/** The fixed seed mixed into the unit hash. Changing it reshuffles every fold. */
export const CV_SEED = 'abtest-cv-1';

/** The seed of the holdout's unit hash: independent of the cross-validation folds. */
export const HOLDOUT_SEED = 'abtest-holdout-1';

/** One unit in this many (per variant, in holdout hash order) is held out: 20%. */
export const HOLDOUT_EVERY = 5;

/** Fold value of a row that takes no part in a model (invalid outcome). */
export const NO_FOLD = 255;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv1a(state: number, text: string): number {
  let h = state;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * 32-bit hash of a unit id: FNV-1a over the UTF-16 code units of `seed`, a NUL separator and the
 * id, finished with the MurmurHash3 `fmix32` avalanche.
 *
 * @param unitId - The unit id.
 * @param seed - The seed (default {@link CV_SEED}).
 * @returns An unsigned 32-bit integer.
 * @example unitHash('user-1'); // a fixed number in [0, 2^32)
 */
export function unitHash(unitId: string, seed: string = CV_SEED): number {
  return finishHash(fnv1a(fnv1a(FNV_OFFSET, `${seed}\u0000`), unitId));
}

function finishHash(state: number): number {
  let h = state;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Rows ordered by ascending {@link unitHash}, ties broken by canonical position (unit id order):
 * a stable two-pass (16 + 16 bit) radix sort of the rows taken in canonical order.
 *
 * @param unitIds - Unit id of each row.
 * @param order - Rows in canonical order (see `canonicalRowOrder`).
 * @param seed - Hash seed (default {@link CV_SEED}).
 * @returns Row indices in hash order.
 * @example hashOrder(['a', 'b'], Uint32Array.of(0, 1)); // a permutation of [0, 1]
 */
export function hashOrder(
  unitIds: readonly string[],
  order: Uint32Array,
  seed: string = CV_SEED,
): Uint32Array {
  const n = unitIds.length;
  const prefix = fnv1a(FNV_OFFSET, `${seed}\u0000`);
  const hashes = new Uint32Array(n);
  for (let i = 0; i < n; i++) hashes[i] = finishHash(fnv1a(prefix, unitIds[i]));
  let source: Uint32Array = order;
  let target: Uint32Array = new Uint32Array(n);
  for (const shift of [0, 16]) {
    const counts = new Uint32Array(65537);
    for (let k = 0; k < n; k++) counts[((hashes[source[k]] >>> shift) & 0xffff) + 1]++;
    for (let b = 1; b <= 65536; b++) counts[b] += counts[b - 1];
    for (let k = 0; k < n; k++)
      target[counts[(hashes[source[k]] >>> shift) & 0xffff]++] = source[k];
    [source, target] = [target, source === order ? new Uint32Array(n) : source];
  }
  return source;
}

/**
 * Deals rows to folds round-robin in hash order, separately per stratum.
 *
 * @param order - Rows in hash order (see {@link hashOrder}).
 * @param stratum - Stratum of each row (e.g. the 0/1 outcome; all 0 for no stratification);
 *   a negative stratum leaves the row out.
 * @param folds - Number of folds (at most 254).
 * @returns The fold of each row, {@link NO_FOLD} for rows left out.
 * @example assignFolds(Uint32Array.of(0, 1, 2), Int32Array.of(0, 0, 0), 2); // [0, 1, 0]
 */
export function assignFolds(order: Uint32Array, stratum: Int32Array, folds: number): Uint8Array {
  const fold = new Uint8Array(order.length).fill(NO_FOLD);
  const dealt: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    const s = stratum[row];
    if (s < 0) continue;
    const count = dealt[s] ?? 0;
    fold[row] = count % folds;
    dealt[s] = count + 1;
  }
  return fold;
}
