/**
 * The train stage's models under the definition's model settings (issue 19): count metrics by
 * quasi-Poisson (checked through trainModels against statsmodels' vectors), ridge with a given
 * or cross-validated lambda (against the ridge vectors), numeric covariates as numbers, the
 * variant-stratified holdout, and the leakage checks.
 */
import { describe, expect, it } from 'vitest';
import { LAMBDA_GRID } from '../../../shared/models/model-validation.ts';
import { trainModels } from '../../../shared/models/train-models.ts';
import { unitTableFromRecords } from '../../../shared/models/unit-table-from-records.ts';
import { modelResultSchema } from '../../../shared/result/result-document.ts';
import { loadReferenceVectors, modelVectorsPath } from '../stats/reference-tolerance.ts';
import { countRecords, syntheticRecords, tableOf } from './fixtures.ts';

interface VectorCase {
  readonly input: {
    readonly rows: readonly Record<string, unknown>[];
    readonly lambda?: number;
  };
  readonly expected: {
    readonly coefficients: readonly {
      term: string;
      estimate: number;
      std_error?: number;
      p_value?: number;
    }[];
    readonly scale?: number;
    readonly treatment_effect: { predicted_delta: number; ci?: [number, number] };
  };
}

const vectors = loadReferenceVectors(modelVectorsPath) as Record<string, VectorCase[]>;

const vectorTable = (rows: readonly Record<string, unknown>[], type: 'binomial' | 'continuous') =>
  unitTableFromRecords(rows, {
    variant: 'variant',
    attributes: ['device', 'channel'],
    numeric: ['recency_days'],
    metrics: [{ name: 'y', type }],
  });

const close = (actual: number | null, expected: number, tolerance = 1e-6) =>
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(
    tolerance * Math.max(Math.abs(expected), 1e-3),
  );

describe('count metrics: quasi-Poisson', () => {
  it.each(vectors.quasi_poisson.map((c, i) => [i, c] as const))(
    'trainModels reproduces statsmodels quasi-Poisson case %i, dispersion included',
    (_, c) => {
      const [model] = trainModels(vectorTable(c.input.rows, 'continuous'), {
        control: 'control',
        alpha: 0.05,
        countMetrics: ['y'],
        numeric: ['recency_days'],
        minLevelUnits: 0,
      });
      expect(model.model).toBe('quasi_poisson_regression');
      expect(model.coefficients.map((row) => row.term)).toEqual(
        c.expected.coefficients.map((row) => row.term),
      );
      c.expected.coefficients.forEach((row, j) => {
        close(model.coefficients[j].estimate, row.estimate);
        close(model.coefficients[j].std_error, row.std_error!);
        close(model.coefficients[j].p_value, row.p_value!);
      });
      close(model.dispersion, c.expected.scale!);
      close(
        model.treatment_effects[0].predicted_delta,
        c.expected.treatment_effect.predicted_delta,
      );
      close(model.treatment_effects[0].ci[0], c.expected.treatment_effect.ci![0]);
      close(model.treatment_effects[0].ci[1], c.expected.treatment_effect.ci![1]);
      expect(model.cv.folds).toBe(5);
      expect(model.cv.rmse).toBeGreaterThan(0);
      expect(model.holdout?.rmse).toBeGreaterThan(0);
      expect(() => modelResultSchema.parse(model)).not.toThrow();
    },
  );

  it('recovers the simulated rate ratio and flags counts below zero', () => {
    const records = countRecords(4000, 7, 0.15).map((r, i) => (i === 3 ? { ...r, y: -1 } : r));
    const table = unitTableFromRecords(records, {
      variant: 'variant',
      unitId: 'id',
      attributes: ['device'],
      numeric: ['recency'],
      metrics: [{ name: 'y', type: 'continuous' }],
    });
    const [model] = trainModels(table, {
      control: 'control',
      alpha: 0.05,
      countMetrics: ['y'],
      numeric: ['recency'],
    });
    expect(model.flags[0]).toBe('excluded_units: 1 (outcome not a count >= 0)');
    const effect = model.coefficients.find((row) => row.term === 'variant[treatment]')!;
    expect(Math.abs(effect.estimate! - 0.15)).toBeLessThan(3 * effect.std_error!);
    const recency = model.coefficients.find((row) => row.term === 'recency')!;
    expect(Math.abs(recency.estimate! + 0.03)).toBeLessThan(3 * recency.std_error!);
    expect(model.dispersion).toBeGreaterThan(0.8);
    expect(model.dispersion).toBeLessThan(1.2);
    expect(model.feature_importance.map((f) => f.feature)).toContain('recency');
  });
});

describe('ridge penalty', () => {
  it.each(vectors.ridge_logistic.map((c, i) => [i, c] as const))(
    'a given lambda reproduces ridge case %i',
    (_, c) => {
      const [model] = trainModels(vectorTable(c.input.rows, 'binomial'), {
        control: 'control',
        alpha: 0.05,
        numeric: ['recency_days'],
        minLevelUnits: 0,
        lambda: c.input.lambda!,
      });
      expect(model.penalty).toBe('ridge');
      expect(model.lambda).toBe(c.input.lambda);
      c.expected.coefficients.forEach((row, j) =>
        close(model.coefficients[j].estimate, row.estimate),
      );
      close(
        model.treatment_effects[0].predicted_delta,
        c.expected.treatment_effect.predicted_delta,
      );
    },
  );

  it('lambda cv picks the grid value with the lowest stratified 5-fold log loss', () => {
    const table = tableOf(syntheticRecords(1500, 3));
    const [chosen] = trainModels(table, {
      control: 'control',
      alpha: 0.05,
      metrics: ['converted'],
      lambda: 'cv',
    });
    expect(chosen.penalty).toBe('ridge');
    expect(LAMBDA_GRID).toContain(chosen.lambda);
    expect(chosen.flags).toContain(`lambda_cv: ${chosen.lambda}`);
    const losses = LAMBDA_GRID.map(
      (lambda) =>
        trainModels(table, { control: 'control', alpha: 0.05, metrics: ['converted'], lambda })[0]
          .cv.log_loss!,
    );
    expect(chosen.cv.log_loss).toBe(Math.min(...losses));
    expect(LAMBDA_GRID[losses.indexOf(Math.min(...losses))]).toBe(chosen.lambda);
  });

  it('without a penalty the fits are today’s: penalty none, lambda null', () => {
    const [logistic, linear] = trainModels(tableOf(syntheticRecords(800, 5)), {
      control: 'control',
      alpha: 0.05,
    });
    expect([logistic.penalty, logistic.lambda, logistic.dispersion]).toEqual(['none', null, null]);
    expect([linear.penalty, linear.lambda]).toEqual(['none', null]);
  });
});

describe('covariates', () => {
  const records = syntheticRecords(1200, 11).map((r, i) => ({
    ...r,
    price: i % 7 === 0 ? 'n/a' : String(10 + (i % 13)),
  }));

  it('a numeric attribute enters as one column of its value; units without a value are left out', () => {
    const table = unitTableFromRecords(records, {
      variant: 'variant',
      unitId: 'id',
      attributes: ['device', 'channel'],
      numeric: ['price'],
      metrics: [{ name: 'revenue', type: 'continuous' }],
    });
    const [model] = trainModels(table, {
      control: 'control',
      alpha: 0.05,
      numeric: ['price'],
      categorical: ['device'],
    });
    expect(model.coefficients.map((row) => row.term)).toEqual([
      'intercept',
      'variant[treatment]',
      'device[mobile]',
      'device[tablet]',
      'price',
    ]);
    const missing = records.filter((r) => r.price === 'n/a').length;
    expect(model.flags).toContain(`excluded_units: ${missing} (numeric covariate missing)`);
  });
});

describe('holdout', () => {
  it('holds out every fifth unit of each variant in the hash order (20%), scored beside the CV', () => {
    const records = syntheticRecords(2000, 21);
    const [logistic, linear] = trainModels(tableOf(records), { control: 'control', alpha: 0.05 });
    const expectedUnits = ['control', 'treatment']
      .map((variant) => records.filter((r) => r.variant === variant).length)
      .reduce((sum, n) => sum + Math.ceil(n / 5), 0);
    expect(logistic.holdout?.units).toBe(expectedUnits);
    expect(logistic.holdout?.auc).toBeGreaterThan(0.5);
    expect(logistic.holdout?.log_loss).toBeGreaterThan(0);
    expect(linear.holdout?.rmse).toBeGreaterThan(0);
    // A hash of the unit id, not the row order, picks them: reversed rows, the same holdout.
    const [reversed] = trainModels(tableOf([...records].reverse()), {
      control: 'control',
      alpha: 0.05,
    });
    expect(reversed.holdout).toEqual(logistic.holdout);
  });
});

describe('leakage checks', () => {
  it('drops a feature that alone has AUC >= 0.99 and names it in flags', () => {
    const records = syntheticRecords(1000, 9).map((r) => ({
      ...r,
      receipt: r.converted === 1 ? 'yes' : 'no',
    }));
    const [logistic] = trainModels(tableOf(records, ['device', 'receipt']), {
      control: 'control',
      alpha: 0.05,
      metrics: ['converted'],
    });
    expect(logistic.flags).toContain('leakage: receipt (auc 1.0000)');
    expect(logistic.coefficients.some((row) => row.term.startsWith('receipt'))).toBe(false);
    expect(logistic.coefficients.map((row) => row.term)).toContain('device[mobile]');
  });

  it('drops a numeric feature whose |correlation| with the outcome is >= 0.99', () => {
    const records = syntheticRecords(1000, 12).map((r, i) => ({
      ...r,
      order_total: r.revenue * 1.1 + (i % 2) * 0.001,
    }));
    const table = unitTableFromRecords(records, {
      variant: 'variant',
      unitId: 'id',
      attributes: ['device'],
      numeric: ['order_total'],
      metrics: [{ name: 'revenue', type: 'continuous' }],
    });
    const [linear] = trainModels(table, {
      control: 'control',
      alpha: 0.05,
      numeric: ['order_total'],
    });
    expect(
      linear.flags.some((flag) => /^leakage: order_total \(correlation 1\.0000\)$/.test(flag)),
    ).toBe(true);
    expect(linear.coefficients.map((row) => row.term)).not.toContain('order_total');
  });
});
