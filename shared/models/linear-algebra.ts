/**
 * Small dense linear algebra for the estimators: weighted cross products accumulated over
 * groups in a fixed order (deterministic), and symmetric positive-definite solves and inverses
 * through ml-matrix's Cholesky decomposition.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { GroupedDesign } from './grouped-data.ts';

/**
 * X' diag(w) X, skipping zero entries of X (one-hot rows are sparse).
 *
 * @param design - The design.
 * @param weights - One weight per row.
 * @returns The symmetric p x p matrix, row-major.
 * @example weightedCrossProduct(design, design_units);
 */
export function weightedCrossProduct(design: GroupedDesign, weights: Float64Array): Float64Array {
  const p = design.columns;
  const x = design.x;
  const out = new Float64Array(p * p);
  const active = new Int32Array(p);
  for (let g = 0; g < design.rows; g++) {
    const w = weights[g];
    if (w === 0) continue;
    const base = g * p;
    let count = 0;
    for (let j = 0; j < p; j++) if (x[base + j] !== 0) active[count++] = j;
    for (let a = 0; a < count; a++) {
      const j = active[a];
      const wx = w * x[base + j];
      for (let b = a; b < count; b++) out[j * p + active[b]] += wx * x[base + active[b]];
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) out[j * p + k] = out[k * p + j];
  return out;
}

/**
 * X'v.
 *
 * @param design - The design.
 * @param v - One value per row.
 * @returns The p-vector.
 * @example crossProductVector(design, successes);
 */
export function crossProductVector(design: GroupedDesign, v: Float64Array): Float64Array {
  const p = design.columns;
  const out = new Float64Array(p);
  for (let g = 0; g < design.rows; g++) {
    const value = v[g];
    if (value === 0) continue;
    for (let j = 0; j < p; j++) out[j] += design.x[g * p + j] * value;
  }
  return out;
}

/**
 * Linear predictor X b per row.
 *
 * @param design - The design.
 * @param coefficients - The p coefficients.
 * @returns One value per row.
 * @example linearPredictor(design, beta);
 */
export function linearPredictor(design: GroupedDesign, coefficients: Float64Array): Float64Array {
  const p = design.columns;
  const out = new Float64Array(design.rows);
  for (let g = 0; g < design.rows; g++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += design.x[g * p + j] * coefficients[j];
    out[g] = eta;
  }
  return out;
}

/** A Cholesky pivot below this fraction of its diagonal entry counts as singular. */
const SINGULAR_PIVOT = 1e-13;

function toMatrix(values: Float64Array, p: number): Matrix {
  const m = new Matrix(p, p);
  for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) m.set(j, k, values[j * p + k]);
  return m;
}

/**
 * Inverse and solution of a symmetric positive-definite system by Cholesky.
 *
 * @param a - p x p symmetric matrix, row-major.
 * @param b - Right-hand side.
 * @returns `{inverse, solution}`, or null when `a` is not numerically positive definite.
 * @example choleskySolve(xtx, xty)?.solution;
 */
export function choleskySolve(
  a: Float64Array,
  b: Float64Array,
): { readonly inverse: Float64Array; readonly solution: Float64Array } | null {
  const p = b.length;
  if (p === 0) return { inverse: new Float64Array(0), solution: new Float64Array(0) };
  const decomposition = new CholeskyDecomposition(toMatrix(a, p));
  if (!decomposition.isPositiveDefinite()) return null;
  const lower = decomposition.lowerTriangularMatrix;
  for (let j = 0; j < p; j++) {
    const pivot = lower.get(j, j);
    if (!Number.isFinite(pivot) || !(pivot * pivot > SINGULAR_PIVOT * a[j * p + j])) return null;
  }
  const inverseMatrix = decomposition.solve(Matrix.eye(p, p));
  const solutionMatrix = decomposition.solve(Matrix.columnVector(Array.from(b)));
  const inverse = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    for (let k = j; k < p; k++) {
      const value = 0.5 * (inverseMatrix.get(j, k) + inverseMatrix.get(k, j));
      inverse[j * p + k] = value;
      inverse[k * p + j] = value;
    }
  }
  const solution = Float64Array.from({ length: p }, (_, j) => solutionMatrix.get(j, 0));
  return { inverse, solution };
}

/**
 * Quadratic form a' M b for a p x p row-major M.
 *
 * @param m - The matrix.
 * @param a - Left vector.
 * @param b - Right vector.
 * @returns The scalar a' M b.
 * @example quadraticForm(covariance, gradient, gradient);
 */
export function quadraticForm(m: Float64Array, a: Float64Array, b: Float64Array): number {
  const p = a.length;
  let total = 0;
  for (let j = 0; j < p; j++) {
    let row = 0;
    for (let k = 0; k < p; k++) row += m[j * p + k] * b[k];
    total += a[j] * row;
  }
  return total;
}
