/**
 * Adaptive Gauss-Kronrod quadrature (7-point Gauss, 15-point Kronrod) of a vector-valued
 * integrand: several integrals that share their expensive evaluations are refined together.
 */

/**
 * QUADPACK QK15 constants, rounded to the nearest double: Kronrod abscissae on [-1, 1]
 * (non-negative half; odd indices are the 7-point Gauss nodes), Kronrod weights, and the Gauss
 * weights at KRONROD_NODES[1], [3], [5], [7].
 */
const KRONROD_NODES = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945,
  0.5860872354676911, 0.4058451513773972, 0.20778495500789848, 0,
];
const KRONROD_WEIGHTS = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592,
  0.1690047266392679, 0.19035057806478542, 0.20443294007529889, 0.20948214108472782,
];
const GAUSS_WEIGHTS = [
  0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694,
];

/** An integrand writing `dimensions` values at x into `out`. */
export type VectorIntegrand = (x: number, out: Float64Array) => void;

interface Panel {
  readonly low: number;
  readonly high: number;
  readonly estimate: Float64Array;
  readonly error: Float64Array;
}

function evaluatePanel(f: VectorIntegrand, dims: number, low: number, high: number): Panel {
  const center = (low + high) / 2;
  const halfWidth = (high - low) / 2;
  const kronrod = new Float64Array(dims);
  const gauss = new Float64Array(dims);
  const value = new Float64Array(dims);
  for (let i = 0; i < 8; i++) {
    const offsets = i === 7 ? [0] : [-KRONROD_NODES[i], KRONROD_NODES[i]];
    for (const offset of offsets) {
      f(center + halfWidth * offset, value);
      for (let d = 0; d < dims; d++) {
        kronrod[d] += KRONROD_WEIGHTS[i] * value[d];
        if (i % 2 === 1) gauss[d] += GAUSS_WEIGHTS[(i - 1) / 2] * value[d];
      }
    }
  }
  const error = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    kronrod[d] *= halfWidth;
    error[d] = Math.abs(kronrod[d] - gauss[d] * halfWidth);
  }
  return { low, high, estimate: kronrod, error };
}

/**
 * Integrates a vector-valued function over [breakpoints[0], breakpoints[last]], starting from the
 * given panels and bisecting the panel with the largest relative error until every component's
 * summed error estimate |K15 - G7| is within `relativeTolerance` of its integral (or below
 * `absoluteTolerance`), or `maxPanels` is reached.
 * Source: Piessens et al. (1983), QUADPACK, routine QAG with the 15-point rule (QK15 nodes and
 * weights); Kronrod (1965).
 * @param f - the integrand
 * @param dims - number of components
 * @param breakpoints - increasing panel boundaries (at least two)
 * @param relativeTolerance - target relative error per component
 * @param absoluteTolerance - error below which a component is accepted whatever its size
 * @param maxPanels - cap on the number of panels
 * @returns the integrals, one per component
 * @example integrateGaussKronrod((x, out) => { out[0] = x * x; }, 1, [0, 1])[0] // 0.3333333333333333
 */
export function integrateGaussKronrod(
  f: VectorIntegrand,
  dims: number,
  breakpoints: readonly number[],
  relativeTolerance = 1e-13,
  absoluteTolerance = 0,
  maxPanels = 2000,
): Float64Array {
  const panels: Panel[] = [];
  for (let i = 0; i + 1 < breakpoints.length; i++) {
    if (breakpoints[i + 1] > breakpoints[i]) {
      panels.push(evaluatePanel(f, dims, breakpoints[i], breakpoints[i + 1]));
    }
  }
  const total = new Float64Array(dims);
  while (panels.length > 0) {
    total.fill(0);
    const errors = new Float64Array(dims);
    for (const panel of panels) {
      for (let d = 0; d < dims; d++) {
        total[d] += panel.estimate[d];
        errors[d] += panel.error[d];
      }
    }
    const budget = Array.from(total, (t) =>
      Math.max(relativeTolerance * Math.abs(t), absoluteTolerance),
    );
    let converged = true;
    for (let d = 0; d < dims; d++) if (errors[d] > budget[d]) converged = false;
    if (converged || panels.length >= maxPanels) break;
    let worst = 0;
    let worstScore = -1;
    panels.forEach((panel, index) => {
      let score = 0;
      for (let d = 0; d < dims; d++) {
        score = Math.max(score, panel.error[d] / (budget[d] > 0 ? budget[d] : Number.MIN_VALUE));
      }
      if (score > worstScore) [worst, worstScore] = [index, score];
    });
    const { low, high } = panels[worst];
    const middle = (low + high) / 2;
    panels.splice(
      worst,
      1,
      evaluatePanel(f, dims, low, middle),
      evaluatePanel(f, dims, middle, high),
    );
  }
  return total;
}
