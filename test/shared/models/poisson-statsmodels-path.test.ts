/**
 * The Poisson and quasi-Poisson fits report what statsmodels 0.13 reports, not the exact
 * maximum-likelihood point: on a case with a strong treatment effect (|z| about 25), the grouped
 * fit (groups of several units whose outcomes differ, so the per-unit start matters) agrees with
 * an independent per-unit transcription of statsmodels' IRLS (./statsmodels-irls.ts) in its
 * estimates, standard errors, p-values, dispersion and the effect's delta-method interval, while
 * the covariance at the exact MLE would miss the reference rule (1e-6 relative) on the p-value.
 */
import { describe, expect, it } from 'vitest';
import {
  averageTreatmentEffect,
  fitPoissonRegression,
  LOG_INVERSE_LINK,
  type PoissonFit,
} from '../../../shared/models/index.ts';
import { normalSf } from '../../../shared/stats/index.ts';
import { countRecords, preparedCounts } from './fixtures.ts';
import { statsmodelsPoisson } from './statsmodels-irls.ts';

const records = countRecords(800, 4, 1.6);
const { covariates, outcome, start } = preparedCounts(records);
const x = records.map((r) => [
  1,
  r.variant === 'treatment' ? 1 : 0,
  r.device === 'mobile' ? 1 : 0,
  r.device === 'tablet' ? 1 : 0,
  r.recency,
]);
const y = records.map((r) => r.y);
const p = 5;
const z95 = 1.959963984540054;
const relative = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.abs(expected);
const pValue = (estimate: number, variance: number) =>
  2 * normalSf(Math.abs(estimate / Math.sqrt(variance)));

describe.each([
  ['Poisson', false],
  ['quasi-Poisson', true],
] as const)('%s on the statsmodels IRLS path', (_, quasi) => {
  const fit = fitPoissonRegression(covariates.design, outcome, start, { quasi }) as PoissonFit;
  const reference = statsmodelsPoisson(x, y, quasi);

  it('is a case with groups of differing outcomes and a large |z|', () => {
    expect(covariates.design.rows).toBeLessThan(records.length / 4);
    expect(outcome.m2.filter((m) => m > 0).length).toBeGreaterThan(100);
    expect(Math.abs(fit.coefficients[1] / Math.sqrt(fit.covariance[p + 1]))).toBeGreaterThan(24);
  });

  it('stops after the same number of iterations', () => {
    expect(fit.iterations).toBe(reference.iterations);
    expect(fit.iterations).toBe(quasi ? 7 : 5);
  });

  it('has statsmodels’ estimates, standard errors, p-values and scale', () => {
    expect(relative(fit.scale, reference.scale)).toBeLessThan(1e-12);
    for (let j = 0; j < p; j++) {
      const variance = fit.covariance[j * p + j];
      expect(relative(fit.coefficients[j], reference.params[j])).toBeLessThan(1e-11);
      expect(relative(Math.sqrt(variance), Math.sqrt(reference.cov[j][j]))).toBeLessThan(1e-11);
      expect(
        relative(
          pValue(fit.coefficients[j], variance),
          pValue(reference.params[j], reference.cov[j][j]),
        ),
      ).toBeLessThan(1e-9);
    }
  });

  it('has the delta-method interval of that covariance', () => {
    const effect = averageTreatmentEffect(
      covariates.design,
      outcome.units,
      fit.coefficients,
      fit.covariance,
      [1],
      1,
      z95,
      LOG_INVERSE_LINK,
    );
    const b = reference.params;
    const gradient = new Array<number>(p).fill(0);
    let delta = 0;
    for (const row of x) {
      const asTreated = [row[0], 1, row[2], row[3], row[4]];
      const asControl = [row[0], 0, row[2], row[3], row[4]];
      const muT = Math.exp(asTreated.reduce((s, v, j) => s + v * b[j], 0));
      const muC = Math.exp(asControl.reduce((s, v, j) => s + v * b[j], 0));
      delta += (muT - muC) / x.length;
      for (let j = 0; j < p; j++)
        gradient[j] += (muT * asTreated[j] - muC * asControl[j]) / x.length;
    }
    let variance = 0;
    for (let j = 0; j < p; j++)
      for (let k = 0; k < p; k++) variance += gradient[j] * reference.cov[j][k] * gradient[k];
    const halfWidth = z95 * Math.sqrt(variance);
    expect(relative(effect.delta, delta)).toBeLessThan(1e-11);
    expect(relative(effect.ci[0], delta - halfWidth)).toBeLessThan(1e-11);
    expect(relative(effect.ci[1], delta + halfWidth)).toBeLessThan(1e-11);
  });
});

it('differs from the exact MLE covariance by more than the reference rule allows', () => {
  // statsmodels' last weights are one step short of the MLE: the standard error of the
  // treatment differs by about 3e-8 relative, and its p-value (z about 25) by about 2e-5.
  const reference = statsmodelsPoisson(x, y, false);
  const atPath = pValue(reference.params[1], reference.cov[1][1]);
  const atMle = pValue(reference.params[1], reference.mleCov[1][1]);
  expect(relative(atMle, atPath)).toBeGreaterThan(5e-6);
  const fit = fitPoissonRegression(covariates.design, outcome, start) as PoissonFit;
  expect(relative(pValue(fit.coefficients[1], fit.covariance[p + 1]), atPath)).toBeLessThan(1e-9);
});
