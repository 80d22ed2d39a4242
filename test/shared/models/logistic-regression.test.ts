import { describe, expect, it } from 'vitest';
import { groupedDesign } from '../../../shared/models/grouped-data.ts';
import {
  fitLogisticRegression,
  RIDGE_PENALTY,
} from '../../../shared/models/logistic-regression.ts';
import { prng } from './fixtures.ts';

const terms = ['intercept', 'variant[b]', 'device[mobile]', 'device[tablet]'];

/** Per-unit rows: intercept, variant b, device dummies; outcome from a known logit. */
function unitRows(n: number, seed: number): { x: number[][]; y: number[] } {
  const random = prng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = random() < 0.5 ? 1 : 0;
    const device = Math.floor(random() * 3);
    const row = [1, b, device === 1 ? 1 : 0, device === 2 ? 1 : 0];
    const eta = -1.2 + 0.4 * b - 0.5 * row[2] + 0.3 * row[3];
    x.push(row);
    y.push(random() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
  }
  return { x, y };
}

/** Collapses rows with equal x into groups (units, successes). */
function grouped(x: number[][], y: number[]) {
  const groups = new Map<string, { row: number[]; n: number; s: number }>();
  x.forEach((row, i) => {
    const key = row.join(',');
    const group = groups.get(key) ?? { row, n: 0, s: 0 };
    group.n += 1;
    group.s += y[i];
    groups.set(key, group);
  });
  const list = [...groups.values()];
  return {
    design: groupedDesign(Float64Array.from(list.flatMap((g) => g.row)), terms),
    outcome: {
      units: Float64Array.from(list, (g) => g.n),
      successes: Float64Array.from(list, (g) => g.s),
    },
  };
}

describe('fitLogisticRegression', () => {
  it('gives the same estimates and standard errors on grouped and per-unit data', () => {
    const { x, y } = unitRows(2000, 7);
    const ungrouped = fitLogisticRegression(groupedDesign(Float64Array.from(x.flat()), terms), {
      units: new Float64Array(y.length).fill(1),
      successes: Float64Array.from(y),
    })!;
    const { design, outcome } = grouped(x, y);
    expect(design.rows).toBe(6);
    const fit = fitLogisticRegression(design, outcome)!;
    expect(fit.flags).toEqual([]);
    expect(fit.ridge).toBe(0);
    for (let j = 0; j < terms.length; j++) {
      expect(fit.coefficients[j]).toBeCloseTo(ungrouped.coefficients[j], 10);
      expect(fit.covariance[j * 4 + j]).toBeCloseTo(ungrouped.covariance[j * 4 + j], 12);
    }
  });

  it('sets the score to zero at the estimate', () => {
    const { x, y } = unitRows(500, 11);
    const { design, outcome } = grouped(x, y);
    const fit = fitLogisticRegression(design, outcome)!;
    for (let j = 0; j < 4; j++) {
      let score = 0;
      for (let g = 0; g < design.rows; g++) {
        let eta = 0;
        for (let k = 0; k < 4; k++) eta += design.x[g * 4 + k] * fit.coefficients[k];
        score +=
          design.x[g * 4 + j] * (outcome.successes[g] - outcome.units[g] / (1 + Math.exp(-eta)));
      }
      expect(Math.abs(score)).toBeLessThan(1e-8);
    }
  });

  it('falls back to a flagged ridge fit on quasi-complete separation', () => {
    const { x, y } = unitRows(400, 3);
    // No tablet unit converts: the MLE of device[tablet] is minus infinity.
    const yy = y.map((value, i) => (x[i][3] === 1 ? 0 : value));
    const { design, outcome } = grouped(x, yy);
    const fit = fitLogisticRegression(design, outcome)!;
    expect(fit.flags).toEqual(['ridge_fallback: separation']);
    expect(fit.ridge).toBe(RIDGE_PENALTY);
    expect(Array.from(fit.coefficients).every(Number.isFinite)).toBe(true);
    expect(fit.coefficients[3]).toBeLessThan(-1);
  });

  it('falls back on complete separation', () => {
    const x = [
      [1, 0],
      [1, 1],
    ];
    const design = groupedDesign(Float64Array.from(x.flat()), ['intercept', 'variant[b]']);
    const fit = fitLogisticRegression(design, {
      units: Float64Array.of(50, 50),
      successes: Float64Array.of(0, 50),
    })!;
    expect(fit.flags).toEqual(['ridge_fallback: separation']);
  });

  it('falls back on a singular information matrix', () => {
    const design = groupedDesign(Float64Array.of(1, 0, 0, 1, 1, 1), ['intercept', 'a[x]', 'b[x]']);
    const fit = fitLogisticRegression(design, {
      units: Float64Array.of(40, 40),
      successes: Float64Array.of(10, 20),
    })!;
    expect(fit.flags).toEqual(['ridge_fallback: singular_information']);
    expect(fit.coefficients[1]).toBeCloseTo(fit.coefficients[2], 12);
  });
});
