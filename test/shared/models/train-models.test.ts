import { standardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { modelResultSchema, type ModelResult } from '../../../shared/result/result-document.ts';
import { trainModels } from '../../../shared/models/train-models.ts';
import { unitTableFromRecords } from '../../../shared/models/unit-table-from-records.ts';
import { prng, syntheticRecords, tableOf } from './fixtures.ts';

const options = { control: 'control', alpha: 0.05 };

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = prng(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const coefficient = (model: ModelResult, term: string) =>
  model.coefficients.find((c) => c.term === term);

describe('trainModels', () => {
  const records = syntheticRecords(3000, 42);

  it('fits a logistic and a linear model that satisfy the result schema', () => {
    const models = trainModels(tableOf(records), options);
    expect(models.map((m) => [m.metric, m.model])).toEqual([
      ['converted', 'logistic_regression'],
      ['revenue', 'linear_regression'],
    ]);
    for (const model of models) {
      expect(() => modelResultSchema.parse(model)).not.toThrow();
      expect(model.coefficients.map((c) => c.term)).toEqual([
        'intercept',
        'variant[treatment]',
        'device[mobile]',
        'device[tablet]',
        'channel[email]',
        'channel[organic]',
      ]);
      expect(model.flags).toEqual([]);
      expect(model.cv.folds).toBe(5);
      expect(model.feature_importance.map((f) => f.feature).sort()).toEqual([
        'channel',
        'device',
        'variant',
      ]);
    }
    const [logistic, linear] = models;
    expect(logistic.cv.auc).toBeGreaterThan(0.5);
    expect(logistic.cv.log_loss).toBeGreaterThan(0);
    expect(linear.cv.rmse).toBeGreaterThan(0);
    expect(linear.treatment_effects[0].predicted_delta).toBe(
      coefficient(linear, 'variant[treatment]')!.estimate,
    );
  });

  it('is bit-identical for every row order and level order', () => {
    const reference = trainModels(tableOf(records), options);
    for (const seed of [1, 2]) {
      const again = trainModels(tableOf(shuffled(records, seed)), options);
      expect(JSON.stringify(again)).toBe(JSON.stringify(reference));
    }
  });

  it('drops constant, nested and collinear attributes and names them in flags', () => {
    const random = prng(9);
    const extended = records.map((r) => {
      const country = random() < 0.5 ? 'US' : 'DE';
      const city =
        country === 'US' ? (random() < 0.5 ? 'nyc' : 'sf') : random() < 0.5 ? 'berlin' : 'munich';
      const plan = r.device === 'mobile' ? 'q' : random() < 0.5 ? 'p' : 'r';
      return { ...r, site: 'shop', country, city, plan };
    });
    const models = trainModels(
      tableOf(extended, ['device', 'site', 'country', 'city', 'plan', 'channel']),
      options,
    );
    for (const model of models) {
      expect(model.flags).toEqual([
        'dropped_constant: site',
        'dropped_nested: city (in country)',
        'dropped_collinear: plan',
      ]);
      const terms = model.coefficients.map((c) => c.term);
      expect(terms).toContain('country[US]');
      expect(terms).toContain('channel[organic]');
      expect(
        terms.some((t) => t.startsWith('city[') || t.startsWith('plan[') || t.startsWith('site[')),
      ).toBe(false);
      expect(model.coefficients.every((c) => c.estimate !== null && c.std_error !== null)).toBe(
        true,
      );
    }
  });

  it('pools rare attribute levels into other', () => {
    const withGeo = records.map((r, i) => ({
      ...r,
      geo: i < 20 ? 'fr' : i < 45 ? 'it' : i < 1500 ? 'de' : 'us',
    }));
    const [logistic] = trainModels(tableOf(withGeo, ['geo']), options);
    expect(logistic.flags).toEqual([
      'pooled_levels: geo (2 levels with fewer than 30 units into other)',
    ]);
    expect(logistic.coefficients.map((c) => c.term)).toEqual([
      'intercept',
      'variant[treatment]',
      'geo[other]',
      'geo[us]',
    ]);
    const single = records.map((r, i) => ({ ...r, geo: i < 20 ? 'fr' : 'us' }));
    const [unpooled] = trainModels(tableOf(single, ['geo']), options);
    expect(unpooled.coefficients.map((c) => c.term)).toEqual([
      'intercept',
      'variant[treatment]',
      'geo[us]',
    ]);
  });

  it('flags the ridge fallback when a level separates the outcome', () => {
    const separated = records.map((r) => (r.device === 'tablet' ? { ...r, converted: 0 } : r));
    const [logistic] = trainModels(tableOf(separated), options);
    expect(logistic.flags).toContain('ridge_fallback: separation');
    expect(coefficient(logistic, 'device[tablet]')!.estimate).toBeLessThan(-1);
    expect(() => modelResultSchema.parse(logistic)).not.toThrow();
  });

  it('returns nulls and flags, without throwing, when a model cannot be fitted', () => {
    const cases: [string, Record<string, unknown>[], string][] = [
      [
        'single variant',
        records.map((r) => ({ ...r, variant: 'control' })),
        'not_fitted: single_variant',
      ],
      [
        'control absent',
        records.map((r) => ({ ...r, variant: r.variant === 'control' ? 'b' : r.variant })),
        'not_fitted: control_without_units',
      ],
      [
        'constant outcome',
        records.map((r) => ({ ...r, converted: 1, revenue: 5 })),
        'not_fitted: constant_outcome',
      ],
      ['zero users', [], 'not_fitted: no_units'],
    ];
    for (const [label, rows, flag] of cases) {
      const models = trainModels(tableOf(rows), options);
      expect(models, label).toHaveLength(2);
      for (const model of models) {
        expect(() => modelResultSchema.parse(model)).not.toThrow();
        expect(model.flags, label).toContain(flag);
        expect(
          model.coefficients.every((c) => c.estimate === null && c.p_value === null),
          label,
        ).toBe(true);
        expect(
          model.treatment_effects.every((t) => t.predicted_delta === null),
          label,
        ).toBe(true);
        expect(model.cv).toEqual({ folds: 0, auc: null, log_loss: null, rmse: null, r2: null });
        expect(model.feature_importance).toEqual([]);
      }
    }
  });

  it('leaves out units with invalid outcomes and counts them', () => {
    const rows = records.map((r, i) =>
      i % 100 === 0 ? { ...r, converted: 0.5, revenue: null } : r,
    );
    const models = trainModels(tableOf(rows), options);
    expect(models[0].flags[0]).toBe('excluded_units: 30 (outcome not 0 or 1)');
    expect(models[1].flags[0]).toBe('excluded_units: 30 (outcome not a finite number)');
    const valid = records.filter((_, i) => i % 100 !== 0);
    const reference = trainModels(tableOf(valid), options);
    expect(models[0].coefficients).toEqual(reference[0].coefficients);
  });

  it('averages predictions with every variant indicator switched, for several treatments', () => {
    const rows = syntheticRecords(4000, 5, ['control', 'b', 'c']);
    const table = tableOf(rows);
    const [logistic] = trainModels(table, { ...options, metrics: ['converted'] });
    const beta = new Map(logistic.coefficients.map((c) => [c.term, c.estimate!]));
    for (const effect of logistic.treatment_effects) {
      let total = 0;
      for (const r of rows) {
        let base = beta.get('intercept')!;
        base += beta.get(`device[${r.device}]`) ?? 0;
        base += beta.get(`channel[${r.channel}]`) ?? 0;
        const treated = 1 / (1 + Math.exp(-(base + beta.get(`variant[${effect.variant}]`)!)));
        total += treated - 1 / (1 + Math.exp(-base));
      }
      expect(effect.predicted_delta).toBeCloseTo(total / rows.length, 12);
      expect(effect.ci[0]!).toBeLessThan(effect.predicted_delta!);
    }
    expect(logistic.treatment_effects.map((t) => t.variant)).toEqual(['b', 'c']);
  });

  it('reports feature importance as the sd of each feature contribution', () => {
    const [, linear] = trainModels(tableOf(records), options);
    const beta = new Map(linear.coefficients.map((c) => [c.term, c.estimate!]));
    // The population sd (n in the denominator), as the importance is defined.
    const direct = {
      variant: standardDeviation(records.map((r) => beta.get(`variant[${r.variant}]`) ?? 0)),
      device: standardDeviation(records.map((r) => beta.get(`device[${r.device}]`) ?? 0)),
      channel: standardDeviation(records.map((r) => beta.get(`channel[${r.channel}]`) ?? 0)),
    };
    const importance = linear.feature_importance;
    for (const entry of importance) {
      expect(entry.importance).toBeCloseTo(direct[entry.feature as keyof typeof direct], 10);
    }
    for (let i = 1; i < importance.length; i++) {
      expect(importance[i - 1].importance).toBeGreaterThanOrEqual(importance[i].importance);
    }
  });

  it('never throws on a treatment declared without units', () => {
    const table = unitTableFromRecords(records, {
      variant: 'variant',
      unitId: 'id',
      attributes: ['device'],
      metrics: [{ name: 'converted', type: 'binomial' }],
    });
    const models = trainModels(
      { ...table, variant: { ...table.variant, levels: [...table.variant.levels, 'late'] } },
      options,
    );
    expect(models[0].flags).toEqual(['variant_without_units: late']);
    expect(models[0].treatment_effects.map((t) => [t.variant, t.predicted_delta === null])).toEqual(
      [
        ['late', true],
        ['treatment', false],
      ],
    );
  });
});
