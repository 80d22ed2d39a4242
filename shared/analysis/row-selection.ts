/**
 * Rows of the per-user table by variant (or any code), and a column's values on those rows, in
 * row (user-id) order, so every reduction over them is the same across runs.
 */

/**
 * The rows whose code is `code`, ascending.
 * @param codes - one code per row
 * @param code - the code to select, or undefined for none
 * @returns the row indexes
 * @example rowsOf(Uint32Array.of(0, 1, 0), 0) // [0, 2]
 */
export function rowsOf(codes: Uint32Array, code: number | undefined): Uint32Array {
  if (code === undefined) return new Uint32Array(0);
  let count = 0;
  for (let i = 0; i < codes.length; i += 1) if (codes[i] === code) count += 1;
  const rows = new Uint32Array(count);
  let next = 0;
  for (let i = 0; i < codes.length; i += 1) if (codes[i] === code) rows[next++] = i;
  return rows;
}

/**
 * A column's values on some rows.
 * @param values - the whole column
 * @param rows - row indexes, or undefined for none
 * @returns the values, in the rows' order
 * @example gather(Float64Array.of(5, 6, 7), Uint32Array.of(0, 2)) // [5, 7]
 */
export function gather(values: Float64Array, rows: Uint32Array | undefined): Float64Array {
  if (rows === undefined) return new Float64Array(0);
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i += 1) out[i] = values[rows[i] ?? 0] ?? 0;
  return out;
}

/**
 * The plain sum of values in order.
 * @param values - the values
 * @returns their sum
 * @example sumOf(Float64Array.of(1, 2)) // 3
 */
export function sumOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i += 1) sum += values[i] ?? 0;
  return sum;
}
