/**
 * Planning: the sample size for a relative MDE and the MDE of a sample, checked against the
 * reference vectors (statsmodels solved to full precision, ../shared/reference
 * decision_vectors.json `power` and `mde`), multi-arm with Bonferroni, an unequal split, the
 * days needed; and the planned users and planning status of a running experiment.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../../shared/cli/plan-command.ts';
import { planExperiment, planRequestSchema } from '../../../shared/analysis/experiment-plan.ts';
import { planVariants } from '../../../shared/analysis/experiment-definition.ts';
import {
  comparisonPlannedUsers,
  planningStatus,
  plannedUsersOf,
} from '../../../shared/analysis/sequential-plan.ts';
import { sampleSize } from '../../../shared/stats/index.ts';

interface PowerCase {
  input: Record<string, number | string>;
  expected: { effect_size: number; n_control: number; n_treatment: number; total_users: number };
}
interface MdeCase {
  input: Record<string, number | string>;
  expected: { effect_size: number; relative_mde: number | null };
}
const vectors = JSON.parse(
  readFileSync(
    new URL('../../../../shared/reference/decision_vectors.json', import.meta.url),
    'utf8',
  ),
) as { power: PowerCase[]; mde: MdeCase[] };

const plan = (request: Record<string, unknown>) => planExperiment(planRequestSchema.parse(request));

describe('planExperiment', () => {
  it.each(vectors.power)(
    'sample size of $input.metric $input.relative_mde at $input.arms arms',
    (c) => {
      const { relative_mde: mde, n_control: _n, ...rest } = c.input;
      const result = plan({ ...rest, mde });
      expect(result.solved_for).toBe('sample_size');
      expect(result.total_users).toBe(c.expected.total_users);
      expect(result.control_users).toBe(Math.ceil(c.expected.n_control));
      expect(result.treatment_users).toBe(Math.ceil(c.expected.n_treatment));
      expect(result.effect_size).toBeCloseTo(c.expected.effect_size, 12);
      expect(result.alpha_per_comparison).toBeCloseTo(
        Number(c.input.alpha) / (Number(c.input.arms) - 1),
        15,
      );
    },
  );

  it.each(vectors.mde)('MDE of $input.metric with $input.n_control control users', (c) => {
    const { n_control: nControl, ...rest } = c.input;
    const users = Number(nControl) * (1 + (Number(rest.arms) - 1) * Number(rest.ratio));
    const result = plan({ ...rest, users });
    expect(result.solved_for).toBe('mde');
    expect(result.effect_size).toBeCloseTo(c.expected.effect_size, 10);
    if (c.expected.relative_mde === null) expect(result.relative_mde).toBeNull();
    else expect(result.relative_mde).toBeCloseTo(c.expected.relative_mde, 10);
  });

  it('says there is no MDE when no rate is far enough above the baseline (the pass-1 edge)', () => {
    const result = plan({ metric: 'binomial', baseline: 0.9, users: 50 });
    expect(result.effect_size).not.toBeNull();
    expect(result.relative_mde).toBeNull();
    expect(formatPlan(result)).toContain('none (the sample cannot reach the power)');
  });

  it('counts the days at a daily traffic', () => {
    const result = plan({ metric: 'binomial', baseline: 0.05, mde: 0.1, daily_users: 5000 });
    expect(result.total_users).toBe(62436);
    expect(result.days_needed).toBe(13);
    expect(formatPlan(result)).toContain('days at 5,000 users a day: 13');
  });

  it.each([
    [{ metric: 'binomial', mde: 0.1 }, 'baseline'],
    [{ metric: 'binomial', baseline: 0.1 }, 'mde'],
    [{ metric: 'binomial', baseline: 0.1, mde: 0.1, users: 10 }, 'mde'],
    [{ metric: 'continuous', mean: 3, mde: 0.1 }, 'sd'],
    [{ metric: 'binomial', baseline: 0.1, mde: 0.1, arms: 1 }, 'arms'],
  ])('refuses %j at %s', (request, path) => {
    const parsed = planRequestSchema.safeParse(request);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual([path]);
  });
});

describe('the plan of a running experiment', () => {
  const twoArms = planVariants(undefined, ['control', 'treatment']);
  const control = { n: 1000, mean: 0.05, m2: 1000 * 0.05 * 0.95 };

  it('takes planned_users from the definition first', () => {
    const planned = plannedUsersOf(
      { sequential: { planned_users: 20000 } },
      { type: 'binomial', control },
      twoArms,
      0.05,
      10,
    );
    expect(planned).toEqual({ plannedUsers: 20000, source: 'definition', mde: 0.05, power: 0.8 });
  });

  it('else from the power calculation for the primary metric at the observed baseline', () => {
    const planned = plannedUsersOf(
      { sequential: { mde: 0.1 } },
      { type: 'binomial', control },
      twoArms,
      0.05,
      10,
    );
    expect(planned.source).toBe('power');
    expect(planned.plannedUsers).toBe(62436);
    const expected = sampleSize({ metric: 'binomial', baseline: 0.05 }, 0.05, {
      alpha: 0.05,
      power: 0.8,
      ratio: 1,
      arms: 2,
    }).totalUsers;
    expect(
      plannedUsersOf(undefined, { type: 'binomial', control }, twoArms, 0.05, 10).plannedUsers,
    ).toBe(expected);
  });

  it('else the users it has (a control without conversions cannot be planned for)', () => {
    const planned = plannedUsersOf(
      undefined,
      { type: 'binomial', control: { n: 50, mean: 0, m2: 0 } },
      twoArms,
      0.05,
      123,
    );
    expect(planned).toEqual({ plannedUsers: 123, source: 'observed', mde: 0.05, power: 0.8 });
  });

  it("gives each comparison its arms' share of the plan", () => {
    const threeArms = planVariants(
      {
        id: 'e',
        alpha: 0.05,
        exposure_event: 'exposure',
        variants: [
          { key: 'control', control: true, weight: 50 },
          { key: 'b', control: false, weight: 25 },
          { key: 'c', control: false, weight: 25 },
        ],
      },
      [],
    );
    expect(comparisonPlannedUsers(40000, threeArms, 'b')).toBe(30000);
    expect(comparisonPlannedUsers(40000, twoArms, 'treatment')).toBe(40000);
  });

  it('states the current MDE and the days left at the observed traffic', () => {
    const status = planningStatus({
      metric: 'conversion',
      planned: { plannedUsers: 62436, source: 'power', mde: 0.1, power: 0.8 },
      baseline: { metric: 'binomial', baseline: 0.05 },
      controlUsers: 20000,
      treatmentUsers: 20000,
      arms: 2,
      users: 40000,
      exposureDays: 8,
      alpha: 0.05,
    });
    expect(status.daily_users).toBe(5000);
    expect(status.days_left).toBe(5);
    // The reference's mde vector: 20,000 per arm at 5% detects a 12.56% relative change.
    expect(status.current_mde).toBeCloseTo(0.12563390096007465, 10);
  });
});
