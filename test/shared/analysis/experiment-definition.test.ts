/**
 * The one definition schema: every validation rule answers 422 with the path of the field at
 * fault and the message of definition-messages.ts; a definition without the new fields parses
 * exactly as before (the defaults change nothing).
 */
import { describe, expect, it } from 'vitest';
import { definitionMessages as messages } from '../../../shared/analysis/definition-messages.ts';
import {
  checkDefinition,
  parseExperimentDefinition,
  planVariants,
} from '../../../shared/analysis/experiment-definition.ts';
import { modelSettings } from '../../../shared/analysis/model-settings.ts';
import { ValidationError } from '../../../shared/errors/errors.ts';

const variants = [
  { key: 'control', weight: 50, control: true },
  { key: 'treatment', weight: 50 },
];
const valid = { id: 'exp1', variants };

function failure(raw: unknown): ValidationError {
  try {
    checkDefinition(raw, 'test');
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('a definition that breaks a rule', () => {
  it.each([
    ['one variant', { id: 'e', variants: [variants[0]] }, 'variants', messages.atLeastTwoVariants],
    [
      'a key used twice',
      {
        id: 'e',
        variants: [
          { key: 'control', weight: 40, control: true },
          { key: 'b', weight: 30 },
          { key: 'b', weight: 30 },
        ],
      },
      'variants.2.key',
      messages.variantKeyTwice('b'),
    ],
    [
      'no control (none flagged, none named control)',
      { id: 'e', variants: [{ key: 'a' }, { key: 'b' }] },
      'variants',
      messages.controlCount([]),
    ],
    [
      'two controls',
      {
        id: 'e',
        variants: [
          { key: 'a', control: true },
          { key: 'b', control: true },
        ],
      },
      'variants',
      messages.controlCount(['a', 'b']),
    ],
    [
      'a weight of 0',
      {
        id: 'e',
        variants: [
          { key: 'control', weight: 0 },
          { key: 'b', weight: 100 },
        ],
      },
      'variants.0.weight',
      messages.weightPositive,
    ],
    [
      'a negative weight',
      {
        id: 'e',
        variants: [
          { key: 'control', weight: 101 },
          { key: 'b', weight: -1 },
        ],
      },
      'variants.1.weight',
      messages.weightPositive,
    ],
    [
      'weights summing to 2',
      {
        id: 'e',
        variants: [
          { key: 'control', weight: 1 },
          { key: 'b', weight: 1 },
        ],
      },
      'variants',
      messages.weightsSum(2),
    ],
    [
      'weights summing to 100.01',
      {
        id: 'e',
        variants: [
          { key: 'control', weight: 50 },
          { key: 'b', weight: 50.01 },
        ],
      },
      'variants',
      messages.weightsSum(100.01),
    ],
    [
      'a weight on some variants only',
      { id: 'e', variants: [{ key: 'control', weight: 1 }, { key: 'b' }] },
      'variants.1.weight',
      messages.weightsAllOrNone,
    ],
    [
      'an allocation of 0',
      { ...valid, traffic_allocation: 0 },
      'traffic_allocation',
      messages.allocationRange,
    ],
    [
      'an allocation above 1',
      { ...valid, traffic_allocation: 1.5 },
      'traffic_allocation',
      messages.allocationRange,
    ],
    [
      'a primary metric not among the metrics',
      {
        ...valid,
        metrics: [{ name: 'carts', type: 'continuous', event_type: 'add_to_cart' }],
        primary_metric: 'conversion',
      },
      'primary_metric',
      messages.primaryMetricUnknown('conversion', ['carts']),
    ],
    [
      'a primary metric not among the default metrics',
      { ...valid, primary_metric: 'carts' },
      'primary_metric',
      messages.primaryMetricUnknown('carts', ['conversion', 'revenue']),
    ],
    [
      'a guardrail metric not among the metrics',
      { ...valid, guardrail_metrics: ['revenue', 'latency'] },
      'guardrail_metrics.1',
      messages.guardrailUnknown('latency', ['conversion', 'revenue']),
    ],
    [
      'a metric name twice',
      {
        ...valid,
        metrics: [
          { name: 'm', type: 'binomial' },
          { name: 'm', type: 'continuous' },
        ],
      },
      'metrics.1.name',
      messages.metricNameTwice('m'),
    ],
    [
      'an end before the start',
      { ...valid, start_at: '2026-02-01T00:00:00Z', end_at: '2026-01-01T00:00:00+00:00' },
      'end_at',
      messages.startBeforeEnd,
    ],
    [
      'an end at the start, written with another offset',
      { ...valid, start_at: '2026-02-01T01:00:00+01:00', end_at: '2026-02-01T00:00:00Z' },
      'end_at',
      messages.startBeforeEnd,
    ],
    ['an unknown field', { ...valid, owners: 'x' }, 'owners', messages.unknownField('owners')],
    [
      'an unknown variant field',
      { id: 'e', variants: [{ ...variants[0], colour: 'red' }, variants[1]] },
      'variants.0.colour',
      messages.unknownField('colour'),
    ],
    [
      'a config that is not an object',
      { id: 'e', variants: [{ ...variants[0], config: [1, 2] }, variants[1]] },
      'variants.0.config',
      messages.configObject,
    ],
    ['a bad id', { ...valid, id: '../etc' }, 'id', messages.id],
    ['an alpha of 1', { ...valid, alpha: 1 }, 'alpha', messages.alphaRange],
    [
      'a negative lambda',
      { ...valid, model: { penalty: 'ridge', lambda: -1 } },
      'model.lambda',
      messages.lambdaRange,
    ],
    [
      'a lambda without ridge',
      { ...valid, model: { penalty: 'none', lambda: 2 } },
      'model.lambda',
      messages.lambdaWithoutRidge,
    ],
    [
      'a covariate both numeric and categorical',
      { ...valid, covariates: { numeric: ['price'], categorical: ['device', 'price'] } },
      'covariates.categorical.1',
      messages.covariateTwice('price'),
    ],
    [
      'an events column as a covariate',
      { ...valid, covariates: { numeric: ['value'] } },
      'covariates.numeric.0',
      messages.covariateReserved('value'),
    ],
    [
      'a derived covariate listed as well',
      { ...valid, derived_covariates: true, covariates: { numeric: ['frequency'] } },
      'covariates.numeric.0',
      messages.covariateDerived('frequency'),
    ],
    [
      'planned users of 0',
      { ...valid, sequential: { planned_users: 0 } },
      'sequential.planned_users',
      messages.plannedUsersPositive,
    ],
    ['an MDE of 0', { ...valid, sequential: { mde: 0 } }, 'sequential.mde', messages.mdePositive],
    [
      'a power of 1',
      { ...valid, sequential: { power: 1 } },
      'sequential.power',
      messages.powerRange,
    ],
    [
      'a band above 0',
      { ...valid, practical_effect: { lower: 0.01, upper: 0.02 } },
      'practical_effect.lower',
      messages.practicalEffectBand,
    ],
  ])('%s: 422 at its path', (_case, raw, path, message) => {
    const error = failure(raw);
    expect(error.httpStatus).toBe(422);
    expect(error.details.path).toBe(path);
    expect(error.message).toBe(`test: ${path}: ${message}`);
    expect(error.details.issues).toContainEqual({ path, message });
  });

  it('lists every issue, not only the first', () => {
    const error = failure({
      id: 'e',
      traffic_allocation: 2,
      variants: [{ key: 'a' }, { key: 'a' }],
    });
    expect((error.details.issues as { path: string }[]).map((issue) => issue.path)).toEqual([
      'traffic_allocation',
      'variants.1.key',
      'variants',
    ]);
  });

  it('refuses a definition that is not an object', () => {
    expect(failure(['id', 'e']).details.path).toBe('');
    expect(() => parseExperimentDefinition('- a\n- b\n', 'list.yaml')).toThrow(
      /list\.yaml: a definition is a JSON or YAML object/,
    );
  });
});

describe('a valid definition', () => {
  it.each([
    ['weights summing to 1', [0.5, 0.5]],
    ['weights summing to 100', [25, 75]],
    ['weights summing to 1 within 1e-6', [0.3333333, 0.3333333, 0.3333334]],
    ['weights summing to 100 within 1e-6', [33.3333333, 33.3333333, 33.3333334]],
  ])('accepts %s', (_case, weights) => {
    const raw = {
      id: 'e',
      variants: weights.map((weight, i) => ({ key: i === 0 ? 'control' : `t${i}`, weight })),
    };
    expect(checkDefinition(raw, 'test').variants?.map((v) => v.weight)).toEqual(weights);
  });

  it('takes the variant keyed control as the control when none is flagged', () => {
    const definition = checkDefinition(
      { id: 'e', variants: [{ key: 'b' }, { key: 'control' }] },
      't',
    );
    expect(planVariants(definition, []).control).toBe('control');
    expect(planVariants(definition, []).expectedShare).toEqual(
      new Map([
        ['b', 0.5],
        ['control', 0.5],
      ]),
    );
  });

  it('keeps the new fields: owner, names, configs, allocation, salt, guardrails', () => {
    const definition = checkDefinition(
      {
        id: 'checkout',
        owner: 'growth-team',
        traffic_allocation: 0.2,
        salt: 'checkout-2026',
        guardrail_metrics: ['revenue'],
        variants: [
          { key: 'control', name: 'Two pages', control: true, weight: 50, config: { pages: 2 } },
          {
            key: 'one_page',
            name: 'One page',
            weight: 50,
            config: { pages: 1, copy: { cta: 'Buy' } },
          },
        ],
      },
      'test',
    );
    expect(definition).toMatchObject({
      owner: 'growth-team',
      traffic_allocation: 0.2,
      salt: 'checkout-2026',
      guardrail_metrics: ['revenue'],
    });
    expect(definition.variants?.[1]?.config).toEqual({ pages: 1, copy: { cta: 'Buy' } });
  });

  it('reads the model settings: ridge with lambda cv by default, covariates by kind', () => {
    const definition = parseExperimentDefinition(
      'id: e\nmodel: {penalty: ridge}\ncovariates: {numeric: [price]}\nderived_covariates: true\n',
      'e.yaml',
    );
    expect(modelSettings(definition)).toEqual({
      penalty: 'ridge',
      lambda: 'cv',
      numeric: ['price', 'recency_days', 'frequency'],
      categorical: [],
      derived: true,
      lookbackDays: 14,
    });
    expect(modelSettings(undefined)).toEqual({
      penalty: 'none',
      lambda: null,
      numeric: [],
      categorical: null,
      derived: false,
      lookbackDays: 14,
    });
  });

  it('parses a file without the new fields exactly as before: no new field is filled in', () => {
    const definition = parseExperimentDefinition(
      'id: e\nvariants:\n  - {key: control, weight: 50, control: true}\n  - {key: treatment, weight: 50}\nalpha: 0.1\n',
      'e.yaml',
    );
    expect(definition).toEqual({
      id: 'e',
      exposure_event: 'exposure',
      variants: [
        { key: 'control', weight: 50, control: true },
        { key: 'treatment', weight: 50, control: false },
      ],
      alpha: 0.1,
    });
  });
});
