/**
 * The plan a watched experiment is measured against: its planned users (the definition's
 * `sequential.planned_users`, else the power calculation for the primary metric's relative MDE
 * at the observed baseline, else the users it has), each comparison's share of them, and where
 * the experiment stands: the MDE its current sample can detect and the days left at its
 * observed daily traffic.
 */
import {
  currentMinimumDetectableEffect,
  daysNeeded,
  sampleSd,
  sampleSize,
  type MeanMoments,
  type PowerMetric,
} from '../stats/index.ts';
import type { ExperimentDefinition, VariantPlan } from './experiment-definition.ts';

/** The relative MDE planned for when the definition names none. */
export const DEFAULT_PLANNED_MDE = 0.05;
/** The power planned for when the definition names none. */
export const DEFAULT_PLANNED_POWER = 0.8;

/** Where the planned users came from. */
export type PlannedUsersSource = 'definition' | 'power' | 'observed';

/** The planned users of an experiment. */
export interface PlannedUsers {
  readonly plannedUsers: number;
  readonly source: PlannedUsersSource;
  readonly mde: number;
  readonly power: number;
}

/**
 * The baseline of a metric for a power calculation: the control's rate, or its mean and sd.
 * @param type - the metric's type
 * @param control - the control's moments
 * @returns the power metric, or null when the control is empty
 * @example powerMetricOf('binomial', { n: 100, mean: 0.1, m2: 9 }) // { metric: 'binomial', baseline: 0.1 }
 */
export function powerMetricOf(
  type: 'binomial' | 'continuous',
  control: MeanMoments,
): PowerMetric | null {
  if (!(control.n > 0)) return null;
  if (type === 'binomial') return { metric: 'binomial', baseline: control.mean };
  const sd = sampleSd(control);
  return sd === null ? null : { metric: 'continuous', mean: control.mean, sd };
}

/** The treatment users per control user of the smallest treatment, from the expected shares. */
function smallestRatio(plan: VariantPlan): number {
  const control = plan.expectedShare.get(plan.control) ?? 0;
  const treatments = plan.variants
    .filter((variant) => variant !== plan.control)
    .map((variant) => plan.expectedShare.get(variant) ?? 0);
  const smallest = Math.min(...treatments);
  return control > 0 && smallest > 0 ? smallest / control : 1;
}

/**
 * The planned users of an experiment.
 * Source: the rule (definition first, else the power calculation for the primary
 * metric's MDE, `sampleSize` with Bonferroni over the treatments and the planned split).
 * @param definition - the definition, or undefined
 * @param primary - the primary metric's type and control moments, or null
 * @param plan - variants, control and expected shares
 * @param alpha - the experiment's level
 * @param observedUsers - the users analysed so far (the fallback)
 * @returns planned users, where they came from, and the MDE and power planned for
 * @example plannedUsersOf({ id: 'e', alpha: 0.05, exposure_event: 'exposure', sequential: { planned_users: 20000 } }, null, plan, 0.05, 100).plannedUsers // 20000
 */
export function plannedUsersOf(
  definition: Pick<ExperimentDefinition, 'sequential'> | undefined,
  primary: { readonly type: 'binomial' | 'continuous'; readonly control: MeanMoments } | null,
  plan: VariantPlan,
  alpha: number,
  observedUsers: number,
): PlannedUsers {
  const mde = definition?.sequential?.mde ?? DEFAULT_PLANNED_MDE;
  const power = definition?.sequential?.power ?? DEFAULT_PLANNED_POWER;
  const given = definition?.sequential?.planned_users;
  if (given !== undefined) return { plannedUsers: given, source: 'definition', mde, power };
  const metric = primary === null ? null : powerMetricOf(primary.type, primary.control);
  const arms = Math.max(2, plan.variants.length);
  const total =
    metric === null
      ? null
      : sampleSize(metric, mde, { alpha, power, ratio: smallestRatio(plan), arms }).totalUsers;
  if (total !== null) return { plannedUsers: total, source: 'power', mde, power };
  return { plannedUsers: Math.max(1, observedUsers), source: 'observed', mde, power };
}

/**
 * A comparison's share of the planned users: planned x (share of the control + share of the
 * treatment); the whole plan when the shares are unknown.
 * @param planned - the experiment's planned users
 * @param plan - the expected shares
 * @param variant - the treatment
 * @returns the comparison's planned units, >= 1
 * @example comparisonPlannedUsers(30000, plan3Arms, 'b') // 20000
 */
export function comparisonPlannedUsers(
  planned: number,
  plan: VariantPlan,
  variant: string,
): number {
  const share =
    (plan.expectedShare.get(plan.control) ?? 0) + (plan.expectedShare.get(variant) ?? 0);
  return Math.max(1, share > 0 ? planned * share : planned);
}

/** Where an experiment stands against its plan (the result document's `planning`). */
export interface PlanningStatus {
  readonly metric: string | null;
  readonly mde: number;
  readonly power: number;
  readonly planned_users: number;
  readonly planned_users_source: PlannedUsersSource;
  readonly users: number;
  readonly days_elapsed: number | null;
  readonly daily_users: number | null;
  readonly days_left: number | null;
  readonly current_mde: number | null;
}

/**
 * Where an experiment stands: the relative MDE its current sample detects for the primary metric
 * (control and smallest treatment as they are, Bonferroni over the treatments) and the days left
 * to reach the planned users at the traffic seen so far (users / days from the first exposure's
 * UTC day to the last's, inclusive).
 * Source: `currentMinimumDetectableEffect` and `daysNeeded` of shared/stats.
 * @param input - the plan, the primary metric's baseline, the sample and the exposure days
 * @returns the planning block
 * @example planningStatus({ metric: 'conversion', planned, baseline, controlUsers: 1000, treatmentUsers: 1000, arms: 2, users: 2000, exposureDays: 4, alpha: 0.05 }).days_left
 */
export function planningStatus(input: {
  readonly metric: string | null;
  readonly planned: PlannedUsers;
  readonly baseline: PowerMetric | null;
  readonly controlUsers: number;
  readonly treatmentUsers: number;
  readonly arms: number;
  readonly users: number;
  readonly exposureDays: number | null;
  readonly alpha: number;
}): PlanningStatus {
  const daily =
    input.exposureDays !== null && input.exposureDays > 0 ? input.users / input.exposureDays : null;
  const current =
    input.baseline === null
      ? null
      : currentMinimumDetectableEffect(
          input.baseline,
          {
            controlUsers: input.controlUsers,
            treatmentUsers: input.treatmentUsers,
            arms: Math.max(2, input.arms),
          },
          input.alpha,
          input.planned.power,
        ).relativeMde;
  return {
    metric: input.metric,
    mde: input.planned.mde,
    power: input.planned.power,
    planned_users: input.planned.plannedUsers,
    planned_users_source: input.planned.source,
    users: input.users,
    days_elapsed: input.exposureDays,
    daily_users: daily,
    days_left: daily === null ? null : daysNeeded(input.planned.plannedUsers, daily, input.users),
    current_mde: current !== null && Number.isFinite(current) ? current : null,
  };
}
