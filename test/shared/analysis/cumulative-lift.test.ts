/**
 * The report's cumulative lift: each point is the comparison of the users exposed up to the end
 * of its day, so it must equal a direct comparison of exactly those users.
 */
import { describe, expect, it } from 'vitest';
import { cumulativeLift } from '../../../shared/analysis/cumulative-lift.ts';
import { planVariants } from '../../../shared/analysis/experiment-definition.ts';
import type { UnitTable } from '../../../shared/models/unit-table.ts';
import { compareBinomial, compareContinuous, momentsOf } from '../../../shared/stats/index.ts';

const day = 86_400_000;
const start = Date.UTC(2026, 0, 5);
const n = 600;
const codes = Uint32Array.from({ length: n }, (_, i) => i % 2);
const exposedAt = Float64Array.from(
  { length: n },
  (_, i) => start + ((i * 7919 * 1009) % (5 * day)),
);
const converted = Float64Array.from({ length: n }, (_, i) => ((i * 31) % 11 < 2 + (i % 2) ? 1 : 0));
const revenue = Float64Array.from(
  { length: n },
  (_, i) => ((i * 17) % 23) * 1.5 * (converted[i] ?? 0),
);
const table: UnitTable = {
  unitIds: Array.from({ length: n }, (_, i) => `u${i}`),
  variant: { levels: ['control', 'treatment'], codes },
  attributes: [],
  metrics: [
    { name: 'conversion', type: 'binomial', values: converted },
    { name: 'revenue', type: 'continuous', values: revenue },
  ],
};
const plan = planVariants(undefined, ['control', 'treatment']);

function usersUpTo(code: number, cutoff: number, values: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1)
    if (codes[i] === code && (exposedAt[i] ?? 0) < cutoff) out.push(values[i] ?? 0);
  return out;
}

describe('cumulativeLift', () => {
  const points = cumulativeLift(table, exposedAt, plan, 0.05);

  it('has one point per metric and day, dated by UTC day', () => {
    expect(points.map((p) => `${p.metric} ${p.date}`)).toEqual(
      ['conversion', 'revenue'].flatMap((metric) =>
        ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09'].map(
          (date) => `${metric} ${date}`,
        ),
      ),
    );
  });

  it.each([0, 2, 4])(
    'matches a direct comparison of the users exposed by the end of day %i',
    (index) => {
      const cutoff = start + (index + 1) * day;
      const conversion = points.filter((p) => p.metric === 'conversion')[index];
      const c = usersUpTo(0, cutoff, converted);
      const t = usersUpTo(1, cutoff, converted);
      const direct = compareBinomial(
        { n: c.length, successes: c.reduce((a, b) => a + b, 0) },
        { n: t.length, successes: t.reduce((a, b) => a + b, 0) },
        0.05,
      );
      expect(conversion?.users).toBe(c.length + t.length);
      expect(conversion?.relative_lift).toBeCloseTo(direct.relative_lift ?? NaN, 12);
      expect(conversion?.ci_low).toBeCloseTo(direct.relative_lift_ci[0] ?? NaN, 12);

      const revenuePoint = points.filter((p) => p.metric === 'revenue')[index];
      const rc = usersUpTo(0, cutoff, revenue);
      const rt = usersUpTo(1, cutoff, revenue);
      const directRevenue = compareContinuous(
        { moments: momentsOf(rc) },
        { moments: momentsOf(rt) },
        0.05,
      );
      expect(revenuePoint?.relative_lift).toBeCloseTo(directRevenue.relative_lift ?? NaN, 10);
      expect(revenuePoint?.ci_high).toBeCloseTo(directRevenue.relative_lift_ci[1] ?? NaN, 10);
    },
  );

  it('is empty when exposure times are unknown (unit tables)', () => {
    expect(cumulativeLift(table, new Float64Array(n).fill(Number.NaN), plan, 0.05)).toEqual([]);
  });
});
