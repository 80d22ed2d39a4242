/**
 * Root finding on a bracket to full double precision (Brent's method), for the power
 * calculations that invert a power function.
 */

/** Relative tolerance of {@link brentRoot}: four ulps, SciPy's smallest allowed `rtol`. */
const RELATIVE_TOLERANCE = 4 * Number.EPSILON;
const MAX_ITERATIONS = 500;

/**
 * A root of f in [low, high], where f(low) and f(high) have opposite signs (or one is 0), by
 * Brent's method: inverse quadratic interpolation or secant steps while they shrink the bracket
 * fast enough, bisection otherwise. Stops when the bracket is within 4 ulps of the root
 * (xtol = 0, rtol = 4 eps), so the root is as precise as f's own rounding allows.
 * Source: Brent (1973), "Algorithms for Minimization without Derivatives", ch. 4; a port of
 * SciPy's `scipy.optimize.brentq` (scipy/optimize/Zeros/brentq.c).
 * @param f - a continuous function
 * @param low - one end of the bracket
 * @param high - the other end
 * @returns the root, or null when the bracket does not bracket a sign change or f is not finite
 * @example brentRoot((x) => x * x - 2, 0, 2) // 1.4142135623730951
 */
export function brentRoot(f: (x: number) => number, low: number, high: number): number | null {
  let xPre = low;
  let xCur = high;
  let fPre = f(xPre);
  let fCur = f(xCur);
  if (!Number.isFinite(fPre) || !Number.isFinite(fCur)) return null;
  if (fPre === 0) return xPre;
  if (fCur === 0) return xCur;
  if (Math.sign(fPre) === Math.sign(fCur)) return null;
  let xBlk = 0;
  let fBlk = 0;
  let sPre = 0;
  let sCur = 0;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    if (fPre !== 0 && fCur !== 0 && Math.sign(fPre) !== Math.sign(fCur)) {
      xBlk = xPre;
      fBlk = fPre;
      sPre = sCur = xCur - xPre;
    }
    if (Math.abs(fBlk) < Math.abs(fCur)) {
      [xPre, xCur, xBlk] = [xCur, xBlk, xCur];
      [fPre, fCur, fBlk] = [fCur, fBlk, fCur];
    }
    const delta = (RELATIVE_TOLERANCE * Math.abs(xCur)) / 2;
    const sBis = (xBlk - xCur) / 2;
    if (fCur === 0 || Math.abs(sBis) < delta) return xCur;
    if (Math.abs(sPre) > delta && Math.abs(fCur) < Math.abs(fPre)) {
      let sTry: number;
      if (xPre === xBlk) {
        sTry = (-fCur * (xCur - xPre)) / (fCur - fPre);
      } else {
        const dPre = (fPre - fCur) / (xPre - xCur);
        const dBlk = (fBlk - fCur) / (xBlk - xCur);
        sTry = (-fCur * (fBlk * dBlk - fPre * dPre)) / (dBlk * dPre * (fBlk - fPre));
      }
      if (2 * Math.abs(sTry) < Math.min(Math.abs(sPre), 3 * Math.abs(sBis) - delta)) {
        sPre = sCur;
        sCur = sTry;
      } else {
        sPre = sBis;
        sCur = sBis;
      }
    } else {
      sPre = sBis;
      sCur = sBis;
    }
    xPre = xCur;
    fPre = fCur;
    xCur += Math.abs(sCur) > delta ? sCur : sBis > 0 ? delta : -delta;
    fCur = f(xCur);
    if (!Number.isFinite(fCur)) return null;
  }
  return xCur;
}
