/**
 * Poisson and quasi-Poisson regression with numeric covariates: the grouped fit equals the
 * per-unit fit, groups (and statsmodels' starting sums) do not depend on the row order, the
 * design has intercept, one-hot columns, then numeric columns, the quasi-Poisson dispersion is
 * Pearson chi-square / (n - p),
 * the average predicted change has the analytic delta-method gradient, and unfittable data says
 * why.
 */
import { describe, expect, it } from 'vitest';
import {
  averageTreatmentEffect,
  covariateDesign,
  fitPoissonRegression,
  groupedDesign,
  LOG_INVERSE_LINK,
  LOGISTIC_INVERSE_LINK,
  poissonStart,
  type InverseLink,
  type PoissonFit,
} from '../../../shared/models/index.ts';
import { prepareModelData } from '../../../shared/models/model-data.ts';
import { unitTableFromRecords } from '../../../shared/models/unit-table-from-records.ts';
import { countRecords, preparedCounts } from './fixtures.ts';

const records = countRecords(1200, 7);
const { covariates, outcome, start } = preparedCounts(records);

describe('the covariate design', () => {
  it('has the intercept, one-hot columns, then the numeric column', () => {
    expect(covariates.design.terms).toEqual([
      'intercept',
      'variant[treatment]',
      'device[mobile]',
      'device[tablet]',
      'recency',
    ]);
    expect(covariates.variantColumns).toEqual([1]);
    expect(covariates.treatments).toEqual(['treatment']);
    // 2 variants x 3 devices x 30 recency values, at most.
    expect(covariates.design.rows).toBeLessThanOrEqual(180);
    expect(outcome.units.reduce((s, n) => s + n, 0)).toBe(1200);
  });

  it('does not depend on the order of the rows', () => {
    const shuffled = [...records].reverse();
    const again = preparedCounts(shuffled);
    expect(again.covariates.design).toEqual(covariates.design);
    expect(again.outcome).toEqual(outcome);
    expect(again.start).toEqual(start);
  });

  it('rejects a numeric value that is not finite', () => {
    const table = unitTableFromRecords(records.slice(0, 3), {
      variant: 'variant',
      attributes: [],
      metrics: [],
    });
    const data = prepareModelData(table, { control: 'control', minLevelUnits: 0 });
    expect(() =>
      covariateDesign(data, [{ name: 'recency', values: Float64Array.of(1, Number.NaN, 2) }]),
    ).toThrow(RangeError);
  });
});

describe('fitPoissonRegression', () => {
  const fit = fitPoissonRegression(covariates.design, outcome, start) as PoissonFit;

  it('recovers the simulated effects', () => {
    expect(typeof fit).toBe('object');
    expect(fit.coefficients[1]).toBeGreaterThan(0.03);
    expect(fit.coefficients[4]).toBeCloseTo(-0.03, 1);
  });

  it('equals the fit on the ungrouped rows (one group per unit)', () => {
    const p = covariates.design.columns;
    const x = new Float64Array(records.length * p);
    records.forEach((r, i) => {
      x.set(
        [
          1,
          r.variant === 'treatment' ? 1 : 0,
          r.device === 'mobile' ? 1 : 0,
          r.device === 'tablet' ? 1 : 0,
          r.recency,
        ],
        i * p,
      );
    });
    const y = Float64Array.from(records, (r) => r.y);
    const eachRow = Uint32Array.from(records, (_, i) => i);
    const rows = fitPoissonRegression(
      groupedDesign(x, covariates.design.terms),
      { units: new Float64Array(records.length).fill(1), mean: y, m2: new Float64Array(y.length) },
      poissonStart(eachRow, y, eachRow, y.length),
    ) as PoissonFit;
    expect(rows.iterations).toBe(fit.iterations);
    for (let j = 0; j < p; j++) {
      expect(rows.coefficients[j]).toBeCloseTo(fit.coefficients[j], 12);
      expect(
        Math.sqrt(rows.covariance[j * p + j]) / Math.sqrt(fit.covariance[j * p + j]),
      ).toBeCloseTo(1, 11);
    }
    expect(rows.pearsonChiSquare / fit.pearsonChiSquare).toBeCloseTo(1, 11);
  });

  it('scales the covariance by Pearson chi-square / (n - p) for quasi-Poisson', () => {
    expect(fit.scale).toBe(1);
    const quasi = fitPoissonRegression(covariates.design, outcome, start, {
      quasi: true,
    }) as PoissonFit;
    expect(quasi.scale).toBeCloseTo(quasi.pearsonChiSquare / (1200 - 5), 14);
    expect(quasi.scale).toBeGreaterThan(0.8);
    // The two stop at different iterations (the quasi criterion divides the deviance by the
    // dispersion), so their unscaled covariances agree to the last IRLS step, not to the last bit.
    expect(quasi.covariance[6] / fit.covariance[6] / quasi.scale).toBeCloseTo(1, 6);
    // Two units, two columns: the Poisson fit exists, the dispersion has no degrees of freedom.
    const pair = groupedDesign(Float64Array.of(1, 0, 1, 1), ['intercept', 'x']);
    const counts = {
      units: Float64Array.of(1, 1),
      mean: Float64Array.of(1, 2),
      m2: new Float64Array(2),
    };
    const pairStart = poissonStart(Uint32Array.of(0, 1), counts.mean, Uint32Array.of(0, 1), 2);
    expect(typeof fitPoissonRegression(pair, counts, pairStart)).toBe('object');
    expect(fitPoissonRegression(pair, counts, pairStart, { quasi: true })).toBe('too_few_units');
  });

  it('says why it cannot fit', () => {
    const zeros = {
      ...outcome,
      mean: new Float64Array(outcome.mean.length),
      m2: new Float64Array(outcome.m2.length),
    };
    expect(fitPoissonRegression(covariates.design, zeros, start)).toBe('all_zero');
    const none = { ...outcome, units: new Float64Array(outcome.units.length) };
    expect(fitPoissonRegression(covariates.design, none, start)).toBe('no_units');
    // Every tablet user has 0: the tablet coefficient runs off to minus infinity, while the
    // deviance changes ever less (statsmodels would stop there with a coefficient near -25).
    const noTablet = preparedCounts(
      records.map((r) => (r.device === 'tablet' ? { ...r, y: 0 } : r)),
    );
    expect(fitPoissonRegression(noTablet.covariates.design, noTablet.outcome, noTablet.start)).toBe(
      'divergent',
    );
  });
});

describe('averageTreatmentEffect', () => {
  const fit = fitPoissonRegression(covariates.design, outcome, start) as PoissonFit;
  const z = 1.959963984540054;
  /** The effect of the treatment (column 1) over the sample's units. */
  const effectOf = (
    coefficients: Float64Array,
    covariance: Float64Array,
    link: InverseLink = LOG_INVERSE_LINK,
  ) =>
    averageTreatmentEffect(
      covariates.design,
      outcome.units,
      coefficients,
      covariance,
      [1],
      1,
      z,
      link,
    );

  it('is the average of exp(x b as treatment) - exp(x b as control) over the units', () => {
    const effect = effectOf(fit.coefficients, fit.covariance);
    const b = fit.coefficients;
    const direct =
      records.reduce((s, r) => {
        const base =
          b[0] +
          (r.device === 'mobile' ? b[2] : 0) +
          (r.device === 'tablet' ? b[3] : 0) +
          b[4] * r.recency;
        return s + Math.exp(base + b[1]) - Math.exp(base);
      }, 0) / records.length;
    expect(effect.delta).toBeCloseTo(direct, 13);
  });

  it('has the delta-method standard error of a numerical gradient', () => {
    const p = 5;
    const at = (coefficients: Float64Array): number => effectOf(coefficients, fit.covariance).delta;
    const gradient = Array.from({ length: p }, (_, j) => {
      const h = 1e-6;
      const up = Float64Array.from(fit.coefficients);
      const down = Float64Array.from(fit.coefficients);
      up[j] += h;
      down[j] -= h;
      return (at(up) - at(down)) / (2 * h);
    });
    let variance = 0;
    for (let j = 0; j < p; j++)
      for (let k = 0; k < p; k++) variance += gradient[j] * fit.covariance[j * p + k] * gradient[k];
    const effect = effectOf(fit.coefficients, fit.covariance);
    expect(effect.standardError / Math.sqrt(variance)).toBeCloseTo(1, 7);
    expect(effect.ci[1] - effect.ci[0]).toBeCloseTo(2 * z * effect.standardError, 14);
  });

  it('is the logistic model’s average discrete change with the logistic link', () => {
    const beta = Float64Array.of(-1, 0.3, 0.1, -0.2, -0.01);
    const cov = new Float64Array(25);
    for (let j = 0; j < 5; j++) cov[j * 6] = 0.01;
    const generic = effectOf(beta, cov, LOGISTIC_INVERSE_LINK);
    const sigmoid = (eta: number): number => 1 / (1 + Math.exp(-eta));
    const direct =
      records.reduce((s, r) => {
        const base =
          beta[0] +
          (r.device === 'mobile' ? beta[2] : 0) +
          (r.device === 'tablet' ? beta[3] : 0) +
          beta[4] * r.recency;
        return s + sigmoid(base + beta[1]) - sigmoid(base);
      }, 0) / records.length;
    expect(generic.delta).toBeCloseTo(direct, 13);
  });
});
