/**
 * The horizontal scale of a forest plot: a domain holding 0 and every lift and interval end,
 * round ticks across it, and their labels. Pure; also imported by the tests (types in
 * forest-scale.d.ts).
 */

/**
 * The horizontal scale of a plot: a domain holding 0 and every lift and interval end, padded,
 * and round ticks across it.
 * @param {readonly { relative_lift: number | null, relative_lift_ci: readonly (number | null)[] }[]} comparisons
 * @returns {{ min: number, max: number, step: number, ticks: number[] }} the domain, the
 *   distance between ticks, and the ticks
 */
export function forestScale(comparisons) {
  const values = [0];
  for (const comparison of comparisons) {
    for (const value of [comparison.relative_lift, ...comparison.relative_lift_ci]) {
      if (typeof value === 'number' && Number.isFinite(value)) values.push(value);
    }
  }
  let min = Math.min(...values);
  let max = Math.max(...values);
  const span = max - min || 0.1;
  min -= span * 0.08;
  max += span * 0.08;
  const rough = (max - min) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((c) => c >= rough) ?? rough;
  const ticks = [];
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) {
    ticks.push(Math.abs(tick) < step * 1e-9 ? 0 : tick);
  }
  return { min, max, step, ticks };
}

/**
 * A tick's label: a signed percentage with as many decimals as the step between ticks needs.
 * @param {number} value - the tick
 * @param {number} step - the distance between ticks
 * @returns {string} e.g. `+20%`, `−2.5%`, `0%`
 */
export function tickLabel(value, step) {
  const percentStep = step * 100;
  const digits = [0, 1, 2, 3].find(
    (d) => Math.abs(Math.round(percentStep * 10 ** d) - percentStep * 10 ** d) < 1e-6,
  );
  const text = `${(Math.abs(value) * 100).toFixed(digits ?? 3)}%`;
  if (Number(text.slice(0, -1)) === 0) return text;
  return `${value < 0 ? '\u2212' : '+'}${text}`;
}
