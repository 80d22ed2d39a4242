/**
 * Poisson and quasi-Poisson regression with numeric covariates: the grouped fit equals the
 * per-unit fit, groups do not depend on the row order, the design has intercept, one-hot
 * columns, then numeric columns, the quasi-Poisson dispersion is Pearson chi-square / (n - p),
 * the average predicted change has the analytic delta-method gradient, and unfittable data says
 * why.
 */
import { describe, expect, it } from 'vitest';
import {
  averageTreatmentEffect,
  covariateDesign,
  fitPoissonRegression,
  groupedDesign,
  groupOutcome,
  logisticTreatmentEffect,
  LOG_INVERSE_LINK,
  LOGISTIC_INVERSE_LINK,
  quasiPoissonDispersion,
  type PoissonFit,
} from '../../../shared/models/index.ts';
import { prepareModelData } from '../../../shared/models/model-data.ts';
import { unitTableFromRecords } from '../../../shared/models/unit-table-from-records.ts';
import { prng } from './fixtures.ts';

interface CountRecord {
  readonly id: string;
  readonly variant: string;
  readonly device: string;
  readonly recency: number;
  readonly y: number;
}

function countRecords(n: number, seed: number): CountRecord[] {
  const random = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const treated = random() < 0.5;
    const device = ['desktop', 'mobile', 'tablet'][Math.floor(random() * 3)];
    const recency = Math.floor(random() * 30);
    const mu = Math.exp(
      0.2 + 0.15 * (treated ? 1 : 0) - 0.03 * recency + (device === 'mobile' ? -0.2 : 0),
    );
    // Poisson draw by inversion.
    let k = 0;
    let p = Math.exp(-mu);
    let cdf = p;
    const u = random();
    while (u > cdf && k < 50) {
      k++;
      p *= mu / k;
      cdf += p;
    }
    return {
      id: `u${String(i).padStart(5, '0')}`,
      variant: treated ? 'treatment' : 'control',
      device,
      recency,
      y: k,
    };
  });
}

function prepared(records: readonly CountRecord[]) {
  const table = unitTableFromRecords(records, {
    variant: 'variant',
    unitId: 'id',
    attributes: ['device'],
    metrics: [{ name: 'y', type: 'continuous' }],
  });
  const data = prepareModelData(table, { control: 'control', minLevelUnits: 0 });
  const numeric = [{ name: 'recency', values: Float64Array.from(records, (r) => r.recency) }];
  const covariates = covariateDesign(data, numeric);
  return {
    table,
    data,
    covariates,
    outcome: groupOutcome(covariates, table.metrics[0].values, data.order),
  };
}

const records = countRecords(1200, 7);
const { covariates, outcome } = prepared(records);

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
    const again = prepared(shuffled);
    expect(again.covariates.design).toEqual(covariates.design);
    expect(again.outcome).toEqual(outcome);
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
  const fit = fitPoissonRegression(covariates.design, outcome) as PoissonFit;

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
    const rows = fitPoissonRegression(groupedDesign(x, covariates.design.terms), {
      units: new Float64Array(records.length).fill(1),
      mean: Float64Array.from(records, (r) => r.y),
      m2: new Float64Array(records.length),
    }) as PoissonFit;
    for (let j = 0; j < p; j++) {
      expect(rows.coefficients[j]).toBeCloseTo(fit.coefficients[j], 12);
      expect(
        Math.sqrt(rows.covariance[j * p + j]) / Math.sqrt(fit.covariance[j * p + j]),
      ).toBeCloseTo(1, 11);
    }
    expect(rows.pearsonChiSquare / fit.pearsonChiSquare).toBeCloseTo(1, 11);
  });

  it('scales the covariance by Pearson chi-square / (n - p) for quasi-Poisson', () => {
    const quasi = quasiPoissonDispersion(fit)!;
    expect(quasi.scale).toBeCloseTo(fit.pearsonChiSquare / (1200 - 5), 14);
    expect(quasi.covariance[6] / fit.covariance[6]).toBeCloseTo(quasi.scale, 14);
  });

  it('says why it cannot fit', () => {
    const zeros = {
      ...outcome,
      mean: new Float64Array(outcome.mean.length),
      m2: new Float64Array(outcome.m2.length),
    };
    expect(fitPoissonRegression(covariates.design, zeros)).toBe('all_zero');
    const none = { ...outcome, units: new Float64Array(outcome.units.length) };
    expect(fitPoissonRegression(covariates.design, none)).toBe('no_units');
    // Every tablet user has 0: the tablet coefficient runs off to minus infinity.
    const tabletColumn = 3;
    const mean = outcome.mean.map((m, g) =>
      covariates.design.x[g * 5 + tabletColumn] === 1 ? 0 : m,
    );
    const m2 = outcome.m2.map((m, g) => (covariates.design.x[g * 5 + tabletColumn] === 1 ? 0 : m));
    expect(fitPoissonRegression(covariates.design, { ...outcome, mean, m2 })).toBe('divergent');
  });
});

describe('averageTreatmentEffect', () => {
  const fit = fitPoissonRegression(covariates.design, outcome) as PoissonFit;
  const z = 1.959963984540054;

  it('is the average of exp(x b as treatment) - exp(x b as control) over the units', () => {
    const effect = averageTreatmentEffect(
      covariates.design,
      outcome.units,
      fit.coefficients,
      fit.covariance,
      [1],
      1,
      z,
      LOG_INVERSE_LINK,
    );
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
    const at = (coefficients: Float64Array): number =>
      averageTreatmentEffect(
        covariates.design,
        outcome.units,
        coefficients,
        fit.covariance,
        [1],
        1,
        z,
        LOG_INVERSE_LINK,
      ).delta;
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
    const effect = averageTreatmentEffect(
      covariates.design,
      outcome.units,
      fit.coefficients,
      fit.covariance,
      [1],
      1,
      z,
      LOG_INVERSE_LINK,
    );
    expect(effect.standardError / Math.sqrt(variance)).toBeCloseTo(1, 7);
    expect(effect.ci[1] - effect.ci[0]).toBeCloseTo(2 * z * effect.standardError, 14);
  });

  it('is the logistic model’s average discrete change with the logistic link', () => {
    const beta = Float64Array.of(-1, 0.3, 0.1, -0.2, -0.01);
    const cov = new Float64Array(25);
    for (let j = 0; j < 5; j++) cov[j * 6] = 0.01;
    const generic = averageTreatmentEffect(
      covariates.design,
      outcome.units,
      beta,
      cov,
      [1],
      1,
      z,
      LOGISTIC_INVERSE_LINK,
    );
    expect(logisticTreatmentEffect(covariates.design, outcome.units, beta, cov, [1], 1, z)).toEqual(
      generic,
    );
  });
});
