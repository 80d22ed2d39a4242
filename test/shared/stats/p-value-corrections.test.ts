/**
 * Holm and Bonferroni (statsmodels `multipletests`), capped at 1, in input order, null entries
 * left out of the family; and the dispatch by setting name.
 */
import { describe, expect, it } from 'vitest';
import { adjustPValues, benjaminiHochberg, bonferroni, holm } from '../../../shared/stats/index.ts';

describe('holm and bonferroni', () => {
  // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.2], method=...)[1].
  it('match statsmodels', () => {
    const p = [0.01, 0.04, 0.03, 0.2];
    expect(holm(p)).toEqual([0.04, 0.09, 0.09, 0.2]);
    expect(bonferroni(p)).toEqual([0.04, 0.16, 0.12, 0.8]);
  });

  it('cap at 1 and keep ties equal', () => {
    expect(holm([0.5, 0.5, 0.9])).toEqual([1, 1, 1]);
    expect(holm([0.01, 0.01])).toEqual([0.02, 0.02]);
    expect(bonferroni([0.6, 0.1])).toEqual([1, 0.2]);
  });

  it('leave nulls null and out of the family', () => {
    expect(holm([0.01, null, 0.04])).toEqual([0.02, null, 0.04]);
    expect(bonferroni([null, 0.02])).toEqual([null, 0.02]);
  });

  it('order: Bonferroni >= Holm >= raw, and Holm >= Benjamini-Hochberg', () => {
    const p = [0.001, 0.013, 0.02, 0.04, 0.3, 0.7];
    const h = holm(p);
    const b = bonferroni(p);
    const q = benjaminiHochberg(p);
    p.forEach((raw, i) => {
      expect(b[i]!).toBeGreaterThanOrEqual(h[i]!);
      expect(h[i]!).toBeGreaterThanOrEqual(raw);
      expect(h[i]!).toBeGreaterThanOrEqual(q[i]!);
    });
  });
});

describe('adjustPValues', () => {
  it('dispatches by name', () => {
    const p = [0.01, 0.04, null];
    expect(adjustPValues(p, 'bh')).toEqual(benjaminiHochberg(p));
    expect(adjustPValues(p, 'holm')).toEqual(holm(p));
    expect(adjustPValues(p, 'bonferroni')).toEqual(bonferroni(p));
    expect(adjustPValues(p, 'none')).toEqual(p);
  });
});
