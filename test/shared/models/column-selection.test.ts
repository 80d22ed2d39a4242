import { describe, expect, it } from 'vitest';
import { selectIndependentBlocks } from '../../../shared/models/column-selection.ts';
import { groupedDesign } from '../../../shared/models/grouped-data.ts';
import { weightedCrossProduct } from '../../../shared/models/linear-algebra.ts';

describe('selectIndependentBlocks', () => {
  it('drops a later block with a dependent column and keeps the blocks after it', () => {
    // Columns: intercept, a, b (= a), c, d (= intercept - c).
    const rows = [
      [1, 0, 0, 0, 1],
      [1, 1, 1, 0, 1],
      [1, 0, 0, 1, 0],
      [1, 1, 1, 1, 0],
      [1, 0, 0, 0, 1],
    ];
    const design = groupedDesign(Float64Array.from(rows.flat()), ['intercept', 'a', 'b', 'c', 'd']);
    const gram = weightedCrossProduct(design, Float64Array.of(3, 2, 4, 1, 5));
    expect(selectIndependentBlocks(gram, 5, [[0], [1], [2], [3], [4]])).toEqual({
      kept: [0, 1, 3],
      dropped: [2, 4],
    });
    expect(selectIndependentBlocks(gram, 5, [[0], [1, 3], [2, 4]])).toEqual({
      kept: [0, 1],
      dropped: [2],
    });
  });

  it('drops an all-zero column', () => {
    const design = groupedDesign(Float64Array.of(1, 0, 1, 0), ['intercept', 'a']);
    const gram = weightedCrossProduct(design, Float64Array.of(2, 2));
    expect(selectIndependentBlocks(gram, 2, [[0], [1]]).dropped).toEqual([1]);
  });
});
