import { describe, expect, it } from 'vitest';
import { groupedDesign } from '../../../shared/models/grouped-data.ts';
import { fitLinearRegression } from '../../../shared/models/linear-regression.ts';
import { prng } from './fixtures.ts';

const terms = ['intercept', 'variant[b]', 'device[mobile]'];

function unitRows(n: number, seed: number): { x: number[][]; y: number[] } {
  const random = prng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [1, random() < 0.5 ? 1 : 0, random() < 0.3 ? 1 : 0];
    x.push(row);
    // Heteroskedastic with a large offset: checks the grouped M2 path for cancellation.
    y.push(1e6 + 3 * row[1] - 2 * row[2] + (1 + 4 * row[2]) * (random() - 0.5));
  }
  return { x, y };
}

/** Straight per-unit OLS with the HC1 sandwich, by explicit 3 x 3 algebra. */
function naiveHc1(x: number[][], y: number[]): { beta: number[]; se: number[] } {
  const p = 3;
  const xtx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  x.forEach((row, i) => {
    for (let j = 0; j < p; j++) {
      xty[j] += row[j] * y[i];
      for (let k = 0; k < p; k++) xtx[j][k] += row[j] * row[k];
    }
  });
  const inv = invert3(xtx);
  const beta = inv.map((r) => r.reduce((s, v, k) => s + v * xty[k], 0));
  const meat = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  x.forEach((row, i) => {
    const e = y[i] - row.reduce((s, v, k) => s + v * beta[k], 0);
    for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) meat[j][k] += e * e * row[j] * row[k];
  });
  const n = y.length;
  const se = [0, 1, 2].map((j) => {
    let v = 0;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) v += inv[j][a] * meat[a][b] * inv[b][j];
    return Math.sqrt((v * n) / (n - p));
  });
  return { beta, se };
}

function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

describe('fitLinearRegression', () => {
  it('matches a per-unit OLS + HC1 computation from grouped means and M2', () => {
    const { x, y } = unitRows(3000, 5);
    const groups = new Map<string, { row: number[]; values: number[] }>();
    x.forEach((row, i) => {
      const key = row.join(',');
      const group = groups.get(key) ?? { row, values: [] };
      group.values.push(y[i]);
      groups.set(key, group);
    });
    const list = [...groups.values()];
    const mean = list.map((g) => g.values.reduce((s, v) => s + v, 0) / g.values.length);
    const fit = fitLinearRegression(
      groupedDesign(Float64Array.from(list.flatMap((g) => g.row)), terms),
      {
        units: Float64Array.from(list, (g) => g.values.length),
        mean: Float64Array.from(mean),
        m2: Float64Array.from(list, (g, k) => g.values.reduce((s, v) => s + (v - mean[k]) ** 2, 0)),
      },
    )!;
    const ungrouped = fitLinearRegression(groupedDesign(Float64Array.from(x.flat()), terms), {
      units: new Float64Array(y.length).fill(1),
      mean: Float64Array.from(y),
      m2: new Float64Array(y.length),
    })!;
    const naive = naiveHc1(x, y);
    for (let j = 0; j < 3; j++) {
      expect(fit.coefficients[j]).toBeCloseTo(naive.beta[j], 6);
      expect(ungrouped.coefficients[j]).toBeCloseTo(naive.beta[j], 6);
      const se = Math.sqrt(fit.covariance![j * 3 + j]);
      expect(Math.abs(se - naive.se[j]) / naive.se[j]).toBeLessThan(1e-6);
      expect(Math.abs(Math.sqrt(ungrouped.covariance![j * 3 + j]) - se) / se).toBeLessThan(1e-6);
    }
  });

  it('returns null for a singular design', () => {
    const design = groupedDesign(Float64Array.of(1, 1, 1, 1), ['intercept', 'a[x]']);
    expect(
      fitLinearRegression(design, {
        units: Float64Array.of(3, 4),
        mean: Float64Array.of(1, 2),
        m2: Float64Array.of(1, 1),
      }),
    ).toBeNull();
  });
});
