import pl from 'nodejs-polars';
import { describe, expect, it } from 'vitest';
import { categorical } from '../../../shared/analysis/build-user-table.ts';

describe('categorical', () => {
  it('codes each value by its level among the sorted distinct values', () => {
    const column = categorical(pl.Series('device', ['web', 'ios', '(missing)', 'web', 'Ios']));
    expect(column.levels).toEqual(['(missing)', 'Ios', 'ios', 'web']);
    expect([...column.codes]).toEqual([3, 2, 0, 3, 1]);
  });

  it('gives no levels and no codes for an empty column', () => {
    const column = categorical(pl.Series('device', [] as string[], pl.Utf8));
    expect(column).toEqual({ levels: [], codes: new Uint32Array(0) });
  });
});
