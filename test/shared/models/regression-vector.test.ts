import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  computeRegressionCase,
  type RegressionCaseInput,
} from '../../../shared/models/regression-vector.ts';

interface Expected {
  covariance: string;
  coefficients: { term: string; estimate: number; std_error: number; p_value: number }[];
  treatment_effect: { variant: string; predicted_delta: number; ci: [number, number] };
}

// statsmodels 0.13 reference values (see ../shared/reference/README.md).
const vectors = JSON.parse(
  readFileSync(resolve(process.cwd(), '../shared/reference/stats_vectors.json'), 'utf8'),
) as { regression: { input: RegressionCaseInput; expected: Expected }[] };

/** |ours - ref| <= 1e-6 |ref|, or <= 1e-9 absolute near zero (p-values: relative only). */
function expectClose(actual: number | null, expected: number, pValue = false): void {
  expect(actual).not.toBeNull();
  const error = Math.abs((actual as number) - expected);
  const allowed = pValue ? 1e-6 * Math.abs(expected) : Math.max(1e-6 * Math.abs(expected), 1e-9);
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(allowed);
}

describe('regression reference vectors (statsmodels 0.13)', () => {
  it.each(vectors.regression.map((c) => [c.input.kind, c] as const))(
    '%s case',
    (_kind, testCase) => {
      const actual = computeRegressionCase(testCase.input);
      const expected = testCase.expected;
      expect(actual.covariance).toBe(expected.covariance);
      expect(actual.coefficients.map((c) => c.term)).toEqual(
        expected.coefficients.map((c) => c.term),
      );
      expected.coefficients.forEach((e, j) => {
        expectClose(actual.coefficients[j].estimate, e.estimate);
        expectClose(actual.coefficients[j].std_error, e.std_error);
        expectClose(actual.coefficients[j].p_value, e.p_value, true);
      });
      expect(actual.treatment_effect?.variant).toBe(expected.treatment_effect.variant);
      expectClose(
        actual.treatment_effect?.predicted_delta ?? null,
        expected.treatment_effect.predicted_delta,
      );
      expectClose(actual.treatment_effect?.ci[0] ?? null, expected.treatment_effect.ci[0]);
      expectClose(actual.treatment_effect?.ci[1] ?? null, expected.treatment_effect.ci[1]);
    },
  );

  it('is generic in factor names and row order', () => {
    const logistic = vectors.regression.find((c) => c.input.kind === 'logistic')!;
    const renamed: RegressionCaseInput = {
      ...logistic.input,
      rows: [...logistic.input.rows].reverse().map((row) => ({
        variant: row.variant,
        platform: row.device,
        source: row.channel,
        y: row.y,
      })),
      reference_levels: { variant: 'control', platform: 'desktop', source: 'ads' },
    };
    const actual = computeRegressionCase(renamed);
    expect(actual.coefficients.map((c) => c.term)).toEqual([
      'intercept',
      'variant[treatment]',
      'platform[mobile]',
      'platform[tablet]',
      'source[email]',
      'source[organic]',
    ]);
    logistic.expected.coefficients.forEach((e, j) =>
      expectClose(actual.coefficients[j].estimate, e.estimate),
    );
  });
});
