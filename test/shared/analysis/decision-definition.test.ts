/**
 * The decision settings of the one definition schema (ratio metrics, winsorize, CUPED,
 * guardrails, segments): each broken rule answers 422 with the field's path and the message of
 * definition-messages.ts, and what a valid definition asks reaches the analysis settings.
 */
import { describe, expect, it } from 'vitest';
import { definitionMessages as messages } from '../../../shared/analysis/definition-messages.ts';
import { checkDefinition, metricSpecs } from '../../../shared/analysis/experiment-definition.ts';
import {
  DEFAULT_CUPED_LOOKBACK_DAYS,
  metricOrder,
  metricSettings,
  ratioSpecs,
  segmentSettings,
} from '../../../shared/analysis/metric-settings.ts';
import { ValidationError } from '../../../shared/errors/errors.ts';

const ratio = {
  name: 'aov',
  type: 'ratio',
  numerator: { event_type: 'purchase', aggregate: 'sum' },
  denominator: { event_type: 'purchase', aggregate: 'count' },
};

function failure(raw: unknown): ValidationError {
  try {
    checkDefinition(raw, 'test');
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('decision settings that break a rule', () => {
  it.each([
    [
      'a ratio without a denominator',
      [{ ...ratio, denominator: undefined }],
      'metrics.0.denominator',
      messages.ratioParts('denominator'),
    ],
    [
      'a numerator on a continuous metric',
      [{ name: 'r', type: 'continuous', numerator: ratio.numerator }],
      'metrics.0.numerator',
      messages.notARatio('numerator'),
    ],
    [
      'winsorize on a binomial metric',
      [{ name: 'c', type: 'binomial', winsorize: { upper: 99 } }],
      'metrics.0.winsorize',
      messages.winsorizeContinuous,
    ],
    [
      'winsorize lower above upper',
      [{ name: 'r', type: 'continuous', winsorize: { lower: 60, upper: 40 } }],
      'metrics.0.winsorize.lower',
      messages.winsorizeOrder,
    ],
    [
      'a percentile above 100',
      [{ name: 'r', type: 'continuous', winsorize: { upper: 100.5 } }],
      'metrics.0.winsorize.upper',
      messages.percentileRange,
    ],
    ['CUPED on a ratio', [{ ...ratio, cuped: true }], 'metrics.0.cuped', messages.cupedRatio],
    [
      'a lookback without cuped',
      [{ name: 'r', type: 'continuous', cuped_lookback_days: 7 }],
      'metrics.0.cuped_lookback_days',
      messages.cupedSettingWithoutCuped('cuped_lookback_days'),
    ],
    [
      'a lookback of 0',
      [{ name: 'r', type: 'continuous', cuped: true, cuped_lookback_days: 0 }],
      'metrics.0.cuped_lookback_days',
      messages.lookbackPositive,
    ],
    [
      'an unknown guardrail direction',
      [{ name: 'r', type: 'continuous', guardrail: { bad: 'sideways' } }],
      'metrics.0.guardrail.bad',
      undefined,
    ],
  ])('%s', (_, metrics, path, message) => {
    const error = failure({ id: 'e', metrics });
    expect(error.httpStatus).toBe(422);
    expect(error.details.path).toBe(path);
    if (message !== undefined) {
      expect(error.details.issues).toContainEqual({ path, message });
    }
  });

  it('refuses a segment named twice and an unknown correction', () => {
    expect(failure({ id: 'e', segments: ['device', 'device'] }).details.path).toBe('segments.1');
    expect(
      failure({ id: 'e', segments: ['device'], segment_correction: 'sidak' }).details.path,
    ).toBe('segment_correction');
  });
});

describe('a valid definition with decision settings', () => {
  const definition = checkDefinition(
    {
      id: 'e',
      guardrail_metrics: ['conversion'],
      segments: ['device'],
      segment_correction: 'holm',
      metrics: [
        { name: 'conversion', type: 'binomial' },
        { name: 'revenue', type: 'continuous', winsorize: { upper: 99.9 }, cuped: true },
        { name: 'pre', type: 'continuous', cuped: true, cuped_lookback_days: 7, covariate: 'x' },
        { ...ratio, guardrail: { bad: 'increase' } },
      ],
    },
    'test',
  );

  it('keeps ratios out of the per-user value metrics, in their own specs', () => {
    expect(metricSpecs(definition).map((m) => m.name)).toEqual(['conversion', 'revenue', 'pre']);
    expect(ratioSpecs(definition)).toEqual([
      {
        name: 'aov',
        numerator: { eventType: 'purchase', aggregate: 'sum' },
        denominator: { eventType: 'purchase', aggregate: 'count' },
      },
    ]);
    expect(metricOrder(definition, ['conversion', 'revenue', 'pre'])).toEqual([
      'conversion',
      'revenue',
      'pre',
      'aov',
    ]);
  });

  it('fills the settings: winsorize, CUPED lookback and covariate, guardrail direction', () => {
    const settings = metricSettings(definition);
    expect(settings.get('revenue')).toEqual({
      name: 'revenue',
      type: 'continuous',
      winsorize: { lower: 0, upper: 99.9 },
      cuped: { lookbackDays: DEFAULT_CUPED_LOOKBACK_DAYS, covariate: null },
      guardrail: null,
    });
    expect(settings.get('pre')?.cuped).toEqual({ lookbackDays: 7, covariate: 'x' });
    expect(settings.get('conversion')?.guardrail).toBe('decrease');
    expect(settings.get('aov')?.guardrail).toBe('increase');
    expect(segmentSettings(definition)).toEqual({ attributes: ['device'], correction: 'holm' });
  });

  it('asks nothing new of a definition without the settings', () => {
    const plain = checkDefinition({ id: 'e' }, 'test');
    expect(
      [...metricSettings(plain).values()].map((s) => [s.winsorize, s.cuped, s.guardrail]),
    ).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
    expect(segmentSettings(plain)).toEqual({ attributes: [], correction: 'bh' });
    expect(ratioSpecs(plain)).toEqual([]);
  });
});
