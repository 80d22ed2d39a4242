import { sumNthPowerDeviations } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { canonicalRowOrder } from '../../../shared/models/row-order.ts';
import { trainModels } from '../../../shared/models/train-models.ts';
import { assignFolds, hashOrder, unitHash } from '../../../shared/models/unit-folds.ts';
import { syntheticRecords, tableOf, type SyntheticRecord } from './fixtures.ts';

// An independent, per-unit computation of 5-fold cross-validation, as documented in docs/models.md.

const K = 5;

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

const features = (r: SyntheticRecord): number[] => [
  1,
  r.variant === 'treatment' ? 1 : 0,
  r.device === 'mobile' ? 1 : 0,
  r.device === 'tablet' ? 1 : 0,
  r.channel === 'email' ? 1 : 0,
  r.channel === 'organic' ? 1 : 0,
];
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

function logisticFit(x: number[][], y: number[]): number[] {
  let beta = new Array<number>(x[0].length).fill(0);
  for (let iteration = 0; iteration < 50; iteration++) {
    const h = beta.map(() => new Array<number>(beta.length).fill(0));
    const g = new Array<number>(beta.length).fill(0);
    x.forEach((row, i) => {
      const p = 1 / (1 + Math.exp(-dot(row, beta)));
      row.forEach((v, j) => {
        g[j] += v * (y[i] - p);
        row.forEach((w, k) => (h[j][k] += v * w * p * (1 - p)));
      });
    });
    beta = beta.map((b, j) => b + solve(h, g)[j]);
  }
  return beta;
}

function olsFit(x: number[][], y: number[]): number[] {
  const p = x[0].length;
  const xtx = Array.from({ length: p }, (_, j) =>
    Array.from({ length: p }, (_, k) => x.reduce((s, r) => s + r[j] * r[k], 0)),
  );
  return solve(
    xtx,
    Array.from({ length: p }, (_, j) => x.reduce((s, r, i) => s + r[j] * y[i], 0)),
  );
}

/** Folds by the documented rule: per stratum, units by (hash, id), dealt round-robin. */
function expectedFolds(
  records: readonly SyntheticRecord[],
  stratum: (r: SyntheticRecord) => number,
): Map<string, number> {
  const folds = new Map<string, number>();
  for (const s of new Set(records.map(stratum))) {
    const units = records
      .filter((r) => stratum(r) === s)
      .sort((a, b) => unitHash(a.id) - unitHash(b.id) || (a.id < b.id ? -1 : 1));
    units.forEach((r, i) => folds.set(r.id, i % K));
  }
  return folds;
}

describe('cross-validation', () => {
  const records = syntheticRecords(600, 17);
  const [logistic, linear] = trainModels(tableOf(records), { control: 'control', alpha: 0.05 });

  it('deals stratified folds by unit hash, independent of row order', () => {
    const ids = records.map((r) => r.id);
    const y = Int32Array.from(records, (r) => r.converted);
    const folds = assignFolds(hashOrder(ids, canonicalRowOrder(ids)), y, K);
    const expected = expectedFolds(records, (r) => r.converted);
    records.forEach((r, i) => expect(folds[i]).toBe(expected.get(r.id)));
    const reversed = [...ids].reverse();
    const reversedFolds = assignFolds(
      hashOrder(reversed, canonicalRowOrder(reversed)),
      y.slice().reverse(),
      K,
    );
    reversed.forEach((id, i) => expect(reversedFolds[i]).toBe(expected.get(id)));
  });

  it('computes pooled out-of-fold AUC (ties 1/2) and log loss', () => {
    const folds = expectedFolds(records, (r) => r.converted);
    const predictions = new Map<string, number>();
    for (let k = 0; k < K; k++) {
      const training = records.filter((r) => folds.get(r.id) !== k);
      const beta = logisticFit(
        training.map(features),
        training.map((r) => r.converted),
      );
      for (const r of records)
        if (folds.get(r.id) === k)
          predictions.set(r.id, 1 / (1 + Math.exp(-dot(features(r), beta))));
    }
    const positives = records.filter((r) => r.converted === 1);
    const negatives = records.filter((r) => r.converted === 0);
    let concordant = 0;
    for (const p of positives)
      for (const n of negatives) {
        const a = predictions.get(p.id)!;
        const b = predictions.get(n.id)!;
        concordant += a > b ? 1 : a === b ? 0.5 : 0;
      }
    const auc = concordant / (positives.length * negatives.length);
    const logLoss =
      records.reduce((s, r) => {
        const p = predictions.get(r.id)!;
        return s - (r.converted ? Math.log(p) : Math.log(1 - p));
      }, 0) / records.length;
    expect(logistic.cv.folds).toBe(5);
    expect(logistic.cv.auc).toBeCloseTo(auc, 9);
    expect(logistic.cv.log_loss).toBeCloseTo(logLoss, 9);
  });

  it('computes pooled out-of-fold RMSE and R^2', () => {
    const folds = expectedFolds(records, () => 0);
    let sse = 0;
    for (let k = 0; k < K; k++) {
      const training = records.filter((r) => folds.get(r.id) !== k);
      const beta = olsFit(
        training.map(features),
        training.map((r) => r.revenue),
      );
      for (const r of records)
        if (folds.get(r.id) === k) sse += (r.revenue - dot(features(r), beta)) ** 2;
    }
    const sst = sumNthPowerDeviations(
      records.map((r) => r.revenue),
      2,
    );
    expect(linear.cv.rmse).toBeCloseTo(Math.sqrt(sse / records.length), 9);
    expect(linear.cv.r2).toBeCloseTo(1 - sse / sst, 9);
  });
});
