import { describe, expect, it } from 'vitest';
import { factorLevels } from '../../../shared/models/factor-levels.ts';
import { buildPatternTable } from '../../../shared/models/pattern-table.ts';
import type { CategoricalColumn } from '../../../shared/models/unit-table.ts';

function column(values: readonly string[]): CategoricalColumn {
  const levels = [...new Set(values)];
  return { levels, codes: Uint32Array.from(values, (v) => levels.indexOf(v)) };
}

describe('factorLevels', () => {
  it('sorts present levels with the reference first and merges duplicate level names', () => {
    const factor = factorLevels('device', {
      levels: ['tablet', 'mobile', 'desktop', 'mobile', 'unused'],
      codes: Uint32Array.of(0, 1, 3, 2, 9),
    });
    expect(factor.levels).toEqual(['(missing)', 'desktop', 'mobile', 'tablet']);
    expect(factor.counts).toEqual([1, 1, 2, 1]);
    expect(
      factorLevels('variant', column(['b', 'control', 'a']), { reference: 'control' }).levels,
    ).toEqual(['control', 'a', 'b']);
  });

  it('pools two or more rare levels, and an existing other with them', () => {
    const values = [
      ...Array(40).fill('us'),
      ...Array(5).fill('fr'),
      ...Array(3).fill('it'),
      ...Array(50).fill('other'),
    ];
    const factor = factorLevels('geo', column(values), { minUnits: 30 });
    expect(factor.levels).toEqual(['other', 'us']);
    expect(factor.counts).toEqual([58, 40]);
    expect(factor.pooled).toEqual(['fr', 'it']);
    const single = factorLevels('geo', column([...Array(40).fill('us'), 'fr']), { minUnits: 30 });
    expect(single.levels).toEqual(['fr', 'us']);
    expect(single.pooled).toEqual([]);
  });
});

describe('buildPatternTable', () => {
  it('groups rows by level combination in lexicographic level order', () => {
    const a = factorLevels('variant', column(['t', 'c', 't', 'c', 't']), { reference: 'c' });
    const b = factorLevels('device', column(['x', 'y', 'x', 'x', 'y']));
    const table = buildPatternTable(
      [
        { levels: a, column: column(['t', 'c', 't', 'c', 't']) },
        { levels: b, column: column(['x', 'y', 'x', 'x', 'y']) },
      ],
      5,
    );
    expect(table.size).toBe(4);
    expect(Array.from(table.patternOfRow)).toEqual([2, 1, 2, 0, 3]);
    expect(Array.from(table.levelOf[0])).toEqual([0, 0, 1, 1]);
    expect(Array.from(table.levelOf[1])).toEqual([0, 1, 0, 1]);
  });

  it('re-ranks keys when the mixed-radix key space exceeds exact doubles', () => {
    const rows = 3000;
    const factors = Array.from({ length: 6 }, (_, f) => {
      const values = Array.from({ length: rows }, (_, i) => `l${(i * (f + 7)) % 1000}`);
      return { levels: factorLevels(`f${f}`, column(values)), column: column(values) };
    });
    const table = buildPatternTable(factors, rows);
    const distinct = new Set(
      Array.from({ length: rows }, (_, i) => factors.map((f) => f.column.codes[i]).join(',')),
    );
    expect(table.size).toBe(distinct.size);
    for (let i = 1; i < rows; i++) {
      const key = (r: number) => factors.map((_, f) => table.levelOf[f][table.patternOfRow[r]]);
      const [p, q] = [key(i - 1), key(i)];
      const cmp = p.findIndex((v, f) => v !== q[f]);
      if (cmp >= 0)
        expect(Math.sign(p[cmp] - q[cmp])).toBe(
          Math.sign(table.patternOfRow[i - 1] - table.patternOfRow[i]),
        );
    }
  });
});
