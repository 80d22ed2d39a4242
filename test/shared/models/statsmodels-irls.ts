/**
 * An independent per-unit transcription of statsmodels 0.13 `GLM(family=Poisson()).fit()` (IRLS)
 * for the tests: dense rows, its own normal-equation solver, nothing from the product. Written
 * from statsmodels' `GLM._fit_irls`, `_check_convergence`, `Family.starting_mu`,
 * `Poisson.resid_dev` and `GLM._estimate_x2_scale`.
 */

/** Inverse of a symmetric positive-definite matrix by Gauss-Jordan with partial pivoting. */
function invert(a: number[][]): number[][] {
  const p = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    const d = m[c][c];
    for (let k = 0; k < 2 * p; k++) m[c][k] /= d;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let k = 0; k < 2 * p; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row) => row.slice(p));
}

function weightedNormalEquations(
  x: readonly (readonly number[])[],
  w: readonly number[],
  z: readonly number[],
): { inverse: number[][]; solution: number[] } {
  const p = x[0].length;
  const a = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  x.forEach((row, i) => {
    for (let j = 0; j < p; j++) {
      b[j] += row[j] * w[i] * z[i];
      for (let k = 0; k < p; k++) a[j][k] += row[j] * w[i] * row[k];
    }
  });
  const inverse = invert(a);
  return { inverse, solution: inverse.map((row) => row.reduce((s, v, k) => s + v * b[k], 0)) };
}

/** What statsmodels reports, and the exact maximum-likelihood point for comparison. */
export interface StatsmodelsPoisson {
  readonly params: number[];
  /** cov_params(): scale x normalized_cov_params of the last WLS. */
  readonly cov: number[][];
  readonly scale: number;
  readonly iterations: number;
  /** Inverse information at the exact MLE (Newton run to the last bit), times the same scale. */
  readonly mleCov: number[][];
}

/**
 * statsmodels' IRLS on per-unit rows.
 *
 * @param x - One design row per unit.
 * @param y - Counts.
 * @param quasi - `scale='X2'`.
 */
export function statsmodelsPoisson(
  x: readonly (readonly number[])[],
  y: readonly number[],
  quasi: boolean,
): StatsmodelsPoisson {
  const n = y.length;
  const p = x[0].length;
  const ybar = y.reduce((s, v) => s + v, 0) / n;
  const predictor = (params: readonly number[]) =>
    x.map((row) => row.reduce((s, v, j) => s + v * params[j], 0));
  const deviance = (mu: readonly number[]) =>
    y.reduce((s, v, i) => s + 2 * ((v > 0 ? v * Math.log(v / mu[i]) : 0) - (v - mu[i])), 0);
  const estimateScale = (mu: readonly number[]) =>
    quasi ? y.reduce((s, v, i) => s + (v - mu[i]) ** 2 / mu[i], 0) / (n - p) : 1;
  let mu = y.map((v) => (v + ybar) / 2);
  let eta = mu.map(Math.log);
  let scale = estimateScale(mu);
  const history = [Infinity, deviance(mu) / scale];
  let last = weightedNormalEquations(x, mu, y);
  let iterations = 0;
  for (let iteration = 0; iteration < 100; iteration++) {
    const z = y.map((v, i) => eta[i] + (v - mu[i]) / mu[i]);
    last = weightedNormalEquations(x, mu, z);
    eta = predictor(last.solution);
    mu = eta.map(Math.exp);
    history.push(deviance(mu) / scale);
    scale = estimateScale(mu);
    iterations = iteration + 1;
    if (Math.abs(history[iteration + 1] - history[iteration + 2]) <= 1e-8) break;
  }
  // Newton to the exact MLE from there, for the information at the MLE.
  let params = last.solution;
  let information = last;
  for (let step = 0; step < 50; step++) {
    const m = predictor(params).map(Math.exp);
    information = weightedNormalEquations(
      x,
      m,
      y.map((v, i) => (v - m[i]) / m[i]),
    );
    params = params.map((b, j) => b + information.solution[j]);
    if (
      information.solution.every((d, j) => Math.abs(d) <= 1e-15 * Math.max(1, Math.abs(params[j])))
    )
      break;
  }
  const m = predictor(params).map(Math.exp);
  const mle = weightedNormalEquations(x, m, m);
  return {
    params: last.solution,
    cov: last.inverse.map((row) => row.map((v) => v * scale)),
    scale,
    iterations,
    mleCov: mle.inverse.map((row) => row.map((v) => v * scale)),
  };
}
