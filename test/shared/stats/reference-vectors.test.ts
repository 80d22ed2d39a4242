/**
 * Every case of the reference vectors (../shared/reference/stats_vectors.json, SciPy 1.10 /
 * statsmodels 0.13) computed from its input alone agrees with its `expected` to 1e-6 relative
 * (or 1e-9 absolute near zero; p-values 1e-6 relative all the way down).
 */
import { describe, expect, it } from 'vitest';
import {
  compareBinomial,
  compareContinuous,
  computeVectors,
  momentsOf,
  summarizeContinuousArm,
} from '../../../shared/stats/index.ts';
import {
  loadReferenceVectors,
  maxRelativeError,
  referenceMismatches,
} from './reference-tolerance.ts';

interface ReferenceCase {
  readonly input: unknown;
  readonly expected: unknown;
}

const reference = loadReferenceVectors();
const computed = computeVectors(reference).sections;
const sections = ['binomial', 'continuous', 'benjamini_hochberg', 'srm'] as const;

describe.each(sections)('reference section %s', (section) => {
  const cases = reference[section] as ReferenceCase[];

  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
    expect(computed[section]).toHaveLength(cases.length);
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i agrees with SciPy/statsmodels', (i, c) => {
    const result = computed[section][i];
    expect(result.input).toEqual(c.input);
    expect(referenceMismatches(c.expected, result.computed, `${section}[${i}]`)).toEqual([]);
  });
});

describe('margin on this reference file', () => {
  it('is far inside the tolerance outside the Bayesian quadrature (where the file is the imprecise side)', () => {
    const worst = sections.map((section) =>
      Math.max(
        ...(reference[section] as ReferenceCase[]).map((c, i) => {
          const { bayesian: _expected, ...expected } = c.expected as Record<string, unknown>;
          const { bayesian: _computed, ...actual } = computed[section][i].computed as Record<
            string,
            unknown
          >;
          return maxRelativeError(expected, actual);
        }),
      ),
    );
    // Measured: 3e-14 (binomial), 2.7e-13 (continuous), 0 (Benjamini-Hochberg), 2.3e-15 (srm).
    expect(Math.max(...worst)).toBeLessThan(1e-11);
  });
});

describe('reference vectors through the public entry points', () => {
  it.each(
    (
      reference.continuous as {
        input: { control: number[]; treatment: number[]; alpha: number };
        expected: Record<string, unknown>;
      }[]
    ).map((c, i) => [i, c] as const),
  )('continuous case %i: compareContinuous and summarizeContinuousArm', (i, c) => {
    const control = Float64Array.from(c.input.control);
    const treatment = Float64Array.from(c.input.treatment);
    const result = compareContinuous(
      { moments: momentsOf(control), values: control },
      { moments: momentsOf(treatment), values: treatment },
      c.input.alpha,
    );
    const sd = summarizeContinuousArm(momentsOf(control), c.input.alpha).sd;
    expect(
      referenceMismatches(c.expected.statistic, result.statistic, `continuous[${i}].statistic`),
    ).toEqual([]);
    expect(
      referenceMismatches(c.expected.p_value, result.p_value, `continuous[${i}].p_value`),
    ).toEqual([]);
    expect(
      referenceMismatches(
        c.expected.mann_whitney,
        result.mann_whitney,
        `continuous[${i}].mann_whitney`,
      ),
    ).toEqual([]);
    expect(referenceMismatches(c.expected.control_sd, sd, `continuous[${i}].control_sd`)).toEqual(
      [],
    );
    expect(result.bayesian).toBeNull();
  });

  it.each(
    (
      reference.binomial as {
        input: {
          control: { conversions: number; users: number };
          treatment: { conversions: number; users: number };
          alpha: number;
        };
        expected: Record<string, unknown>;
      }[]
    ).map((c, i) => [i, c] as const),
  )('binomial case %i: compareBinomial', (i, c) => {
    const result = compareBinomial(
      { n: c.input.control.users, successes: c.input.control.conversions },
      { n: c.input.treatment.users, successes: c.input.treatment.conversions },
      c.input.alpha,
    );
    expect(result.test).toBe(c.expected.test);
    expect(
      referenceMismatches(c.expected.p_value, result.p_value, `binomial[${i}].p_value`),
    ).toEqual([]);
    expect(
      referenceMismatches(c.expected.bayesian, result.bayesian, `binomial[${i}].bayesian`),
    ).toEqual([]);
    expect([result.df, result.cohens_d, result.mann_whitney]).toEqual([null, null, null]);
  });
});
