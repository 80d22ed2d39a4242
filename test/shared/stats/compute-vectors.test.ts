/**
 * The pure core of `abtest stats --vectors`: sections in input order, unknown sections skipped
 * and reported, extra section computers plugged in, malformed cases named precisely.
 */
import { describe, expect, it } from 'vitest';
import { computeVectors, VectorFileError } from '../../../shared/stats/index.ts';

const srmCase = { input: { observed: [50, 50], expected_share: [1, 1] }, expected: 'ignored' };
const bhCase = { input: [0.01, 0.04] };

describe('computeVectors', () => {
  it('keeps the sections in the order of the document and ignores metadata', () => {
    const result = computeVectors({
      source: 'x',
      srm: [srmCase],
      seed: 1,
      benjamini_hochberg: [bhCase],
    });
    expect(Object.keys(result.sections)).toEqual(['srm', 'benjamini_hochberg']);
    expect(result.sections.srm).toEqual([
      { input: srmCase.input, computed: { statistic: 0, p_value: 1, flagged: false } },
    ]);
    expect(result.sections.benjamini_hochberg[0].computed).toEqual([0.02, 0.04]);
    expect(result.skipped).toEqual([]);
  });

  it('skips unknown sections and reports them', () => {
    const result = computeVectors({ regression: [{ input: {} }], srm: [srmCase] });
    expect(result.skipped).toEqual(['regression']);
    expect(Object.keys(result.sections)).toEqual(['srm']);
  });

  it('accepts extra section computers (the hook for the regression section)', () => {
    const result = computeVectors(
      { regression: [{ input: { rows: 3 } }], srm: [srmCase] },
      { regression: (input) => ({ echoed: input }) },
    );
    expect(Object.keys(result.sections)).toEqual(['regression', 'srm']);
    expect(result.sections.regression[0].computed).toEqual({ echoed: { rows: 3 } });
  });

  it.each([
    [[], 'expected a JSON object'],
    [{ source: 'only metadata' }, 'no section to compute'],
    [
      { srm: [{ input: { observed: [1, 2], expected_share: [1] } }] },
      'section "srm", case 0: invalid input: observed and expected_share must have the same length',
    ],
    [
      { benjamini_hochberg: [bhCase, { input: [0.5, 2] }] },
      'section "benjamini_hochberg", case 1: invalid input: 1:',
    ],
    [
      { continuous: [{ input: { control: [1, 'x'], treatment: [1], alpha: 0.05 } }] },
      'section "continuous", case 0: invalid input: control.1:',
    ],
    [
      {
        binomial: [
          {
            input: {
              control: { conversions: 1, users: 2 },
              treatment: { conversions: 1, users: 2 },
              alpha: 2,
            },
          },
        ],
      },
      'section "binomial", case 0: invalid input: alpha:',
    ],
  ])('rejects %j with a message naming the problem', (document, message) => {
    expect(() => computeVectors(document)).toThrow(VectorFileError);
    expect(() => computeVectors(document)).toThrow(message);
  });
});
