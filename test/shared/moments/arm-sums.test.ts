import { describe, expect, it } from 'vitest';
import { addMetricSums, armSums } from '../../../shared/moments/arm-sums.ts';
import type { MomentsTable } from '../../../shared/moments/moments-table.ts';

const sums = (sumY: number, sumYY: number, x: number | null = null) => ({
  sumY,
  sumYY,
  sumX: x,
  sumXX: x === null ? null : x * x,
  sumXY: x === null ? null : x * sumY,
});

const table: MomentsTable = {
  schema: {
    attributes: ['device'],
    metrics: [{ name: 'revenue', kind: 'value', type: 'continuous', paired: false }],
  },
  cells: [
    { variant: 'control', pattern: ['ios'], exposureDay: 20000, n: 2, metrics: [sums(3, 5)] },
    { variant: 'control', pattern: ['web'], exposureDay: 20001, n: 1, metrics: [sums(4, 16)] },
    { variant: 'treatment', pattern: ['ios'], exposureDay: 20000, n: 3, metrics: [sums(1, 1)] },
  ],
  increments: [],
  valueCounts: [],
  events: 10,
  excludedMultipleVariants: 0,
};

describe('armSums', () => {
  it('adds every cell of a variant', () => {
    const arms = armSums(table);
    expect(arms.get('control')).toEqual({ n: 3, metrics: [sums(7, 21)] });
    expect(arms.get('treatment')).toEqual({ n: 3, metrics: [sums(1, 1)] });
  });

  it('adds only the cells kept, so a pattern is a segment', () => {
    const web = armSums(table, (cell) => cell.pattern[0] === 'web');
    expect([...web.keys()]).toEqual(['control']);
    expect(web.get('control')?.metrics[0]?.sumY).toBe(4);
  });
});

describe('addMetricSums', () => {
  it('keeps a paired field null only when both sides lack it', () => {
    expect(addMetricSums(sums(1, 1, 2), sums(2, 4, 3))).toEqual({
      sumY: 3,
      sumYY: 5,
      sumX: 5,
      sumXX: 13,
      sumXY: 8,
    });
    expect(addMetricSums(sums(1, 1), sums(2, 4)).sumX).toBeNull();
  });
});
