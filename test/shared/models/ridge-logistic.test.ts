/**
 * Ridge logistic regression as the model vectors define it: the maximiser of the log-likelihood
 * minus lambda / 2 times the squared non-intercept coefficients, solved to full precision, so
 * its score equations hold: X'(y - p) = lambda b off the intercept, 0 on it.
 */
import { describe, expect, it } from 'vitest';
import {
  covariateDesign,
  fitLogisticRegression,
  groupOutcome,
} from '../../../shared/models/index.ts';
import { prepareModelData } from '../../../shared/models/model-data.ts';
import { tableOf, syntheticRecords } from './fixtures.ts';

describe('ridge logistic regression with a numeric covariate', () => {
  const records = syntheticRecords(800, 11).map((r, i) => ({ ...r, tenure: (i * 7) % 23 }));
  const table = tableOf(records);
  const data = prepareModelData(table, { control: 'control', minLevelUnits: 0 });
  const covariates = covariateDesign(data, [
    { name: 'tenure', values: Float64Array.from(records, (r) => r.tenure) },
  ]);
  const outcome = groupOutcome(covariates, table.metrics[0].values, data.order);
  const { design } = covariates;

  it.each([0.1, 1, 25])('solves the penalised score equations at lambda = %d', (lambda) => {
    const fit = fitLogisticRegression(
      design,
      { units: outcome.units, successes: outcome.sum },
      { ridge: lambda },
    )!;
    expect(fit.ridge).toBe(lambda);
    const p = design.columns;
    const score = new Float64Array(p);
    for (let g = 0; g < design.rows; g++) {
      let eta = 0;
      for (let j = 0; j < p; j++) eta += design.x[g * p + j] * fit.coefficients[j];
      const residual = outcome.sum[g] - outcome.units[g] / (1 + Math.exp(-eta));
      for (let j = 0; j < p; j++) score[j] += design.x[g * p + j] * residual;
    }
    design.terms.forEach((term, j) => {
      const penalty = term === 'intercept' ? 0 : lambda * fit.coefficients[j];
      expect(Math.abs(score[j] - penalty)).toBeLessThan(1e-9);
    });
  });

  it('shrinks the coefficients as lambda grows', () => {
    const norm = (lambda: number): number => {
      const fit = fitLogisticRegression(
        design,
        { units: outcome.units, successes: outcome.sum },
        { ridge: lambda },
      )!;
      return fit.coefficients.slice(1).reduce((s, b) => s + b * b, 0);
    };
    expect(norm(25)).toBeLessThan(norm(1));
    expect(norm(1)).toBeLessThan(norm(0.01));
  });
});
