/**
 * The comparison of a binomial (conversion) metric between a treatment and the control, as the
 * result document's `comparisons[]` entry needs it.
 */
import type { ArmComparison } from './arm-comparison.ts';
import { bayesianBinomialComparison } from './bayesian-beta-comparison.ts';
import { binomialTest, twoByTwoTable } from './binomial-test.ts';
import { finiteOrNull, toNullableInterval } from './interval.ts';
import { bernoulliVariance, type ProportionStats } from './proportion-stats.ts';
import { relativeLift } from './relative-lift.ts';
import { proportionDifference } from './wald-difference-interval.ts';

function isValidArm(arm: ProportionStats): boolean {
  const { n, successes } = arm;
  return (
    Number.isSafeInteger(n) &&
    Number.isSafeInteger(successes) &&
    n > 0 &&
    successes >= 0 &&
    successes <= n
  );
}

/**
 * Compares a binomial metric: Pearson chi-square on the 2x2 table without continuity
 * correction, or Fisher's exact test (statistic null) when any expected cell is below 5; the
 * difference p_t - p_c with its unpooled Wald interval; the relative lift p_t / p_c - 1 with its
 * delta-method interval (s^2 = p(1 - p)); and the Bayesian probability to beat control and
 * expected loss under Beta(1 + x, 1 + n - x) posteriors. `df`, `cohens_d` and `mann_whitney` are
 * null for binomial metrics. With an empty (or invalid) arm every test field is null.
 * Source: DESIGN.md "Statistics conventions"; see each function for its reference.
 * @param control - the control's users and conversions
 * @param treatment - the treatment's users and conversions
 * @param alpha - significance level of the intervals
 * @returns the comparison fields of the result document
 * @example compareBinomial({ n: 1000, successes: 100 }, { n: 1000, successes: 130 }, 0.1).p_value // 0.03548845046647468
 */
export function compareBinomial(
  control: ProportionStats,
  treatment: ProportionStats,
  alpha: number,
): ArmComparison {
  const empty: ArmComparison = {
    test: null,
    statistic: null,
    p_value: null,
    difference: null,
    difference_ci: toNullableInterval(null),
    relative_lift: null,
    relative_lift_ci: toNullableInterval(null),
    df: null,
    cohens_d: null,
    mann_whitney: null,
    bayesian: null,
  };
  if (!isValidArm(control) || !isValidArm(treatment)) return empty;
  const test = binomialTest(twoByTwoTable(control, treatment));
  const { difference, interval } = proportionDifference(control, treatment, alpha);
  const lift = relativeLift(
    { n: control.n, mean: control.successes / control.n, variance: bernoulliVariance(control) },
    {
      n: treatment.n,
      mean: treatment.successes / treatment.n,
      variance: bernoulliVariance(treatment),
    },
    alpha,
  );
  const bayesian = bayesianBinomialComparison(control, treatment);
  return {
    ...empty,
    test: test.test,
    statistic: finiteOrNull(test.statistic),
    p_value: finiteOrNull(test.pValue),
    difference: finiteOrNull(difference),
    difference_ci: toNullableInterval(interval),
    relative_lift: finiteOrNull(lift.lift),
    relative_lift_ci: toNullableInterval(lift.interval),
    bayesian: {
      prob_beat_control: bayesian.probBeatControl,
      expected_loss: bayesian.expectedLoss,
    },
  };
}
