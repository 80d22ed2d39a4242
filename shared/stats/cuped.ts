/**
 * CUPED: variance reduction with a pre-exposure covariate (Deng, Xu, Kohavi & Walker 2013). Each
 * unit's metric y is adjusted to y - theta (x - mean x), theta pooled over every arm, and the
 * arms are compared on the adjusted values. Everything comes from per-arm bivariate moments.
 */
import {
  marginalY,
  mergeBivariateMoments,
  EMPTY_BIVARIATE_MOMENTS,
  type BivariateMoments,
} from './bivariate-moments.ts';
import { sampleVariance, type MeanMoments } from './mean-moments.ts';
import { relativeLift, type RelativeLift } from './relative-lift.ts';
import { welchTTest, type WelchTTest } from './welch-t-test.ts';

/**
 * A covariate counts as constant when its spread is within rounding of its mean:
 * M2x <= CONSTANT_COVARIATE n mean_x^2 (relative spread below 1e-7, which moments from raw sums
 * cannot resolve). theta is then 0 and CUPED changes nothing.
 */
export const CONSTANT_COVARIATE = 1e-14;

/** One arm of a CUPED analysis: its name and its (x = covariate, y = metric) moments. */
export interface CupedArmInput {
  readonly name: string;
  readonly moments: BivariateMoments;
}

/** Per-arm CUPED summary; variances are sample ones (n - 1), null below two units. */
export interface CupedArm {
  readonly name: string;
  readonly n: number;
  readonly mean: number | null;
  readonly adjustedMean: number | null;
  readonly variance: number | null;
  readonly adjustedVariance: number | null;
  /** Moments of the adjusted values (for tests that take moments). */
  readonly adjusted: MeanMoments;
}

/** One treatment against the control on the adjusted values. */
export interface CupedComparison {
  readonly treatment: string;
  /** Welch's test of the adjusted means (difference treatment - control). */
  readonly welch: WelchTTest;
  /** Relative lift of the adjusted means with its delta-method interval (adjusted variances). */
  readonly relativeLift: RelativeLift;
  /** Welch's standard error of the unadjusted difference. */
  readonly unadjustedStandardError: number | null;
  /** 1 - (se / unadjusted se)^2: the share of the difference's variance CUPED removed. */
  readonly varianceReduction: number | null;
}

/** A CUPED analysis: the pooled theta, every arm, and each treatment's comparison. */
export interface CupedResult {
  readonly theta: number;
  readonly arms: readonly CupedArm[];
  readonly comparisons: readonly CupedComparison[];
}

/**
 * The pooled CUPED coefficient theta = cov(x, y) / var(x) = Cxy / M2x over the units of all
 * arms, 0 when x is constant (see {@link CONSTANT_COVARIATE}) or there are fewer than two units.
 * Source: Deng, Xu, Kohavi & Walker (2013), "Improving the Sensitivity of Online Controlled
 * Experiments by Utilizing Pre-Experiment Data", WSDM, sec. 3.1 (theta = cov(Y, X) / var(X)).
 * @param pooled - moments of all arms merged
 * @returns theta
 * @example cupedTheta(bivariateMomentsOf([1, 2, 3], [2, 4, 7])) // 2.5
 */
export function cupedTheta(pooled: BivariateMoments): number {
  if (pooled.n < 2) return 0;
  if (!(pooled.m2X > CONSTANT_COVARIATE * pooled.n * pooled.meanX * pooled.meanX)) return 0;
  const theta = pooled.cXY / pooled.m2X;
  return Number.isFinite(theta) ? theta : 0;
}

/**
 * Moments of an arm's adjusted values y - theta (x - pooledMeanX): mean
 * mean_y - theta (mean_x - pooledMeanX) and M2 = M2y - 2 theta Cxy + theta^2 M2x (>= 0).
 * Source: Deng et al. (2013), sec. 3.1; the variance of a linear combination.
 * @param moments - the arm's moments
 * @param theta - the pooled theta
 * @param pooledMeanX - mean of x over all arms
 * @returns the adjusted values' moments
 * @example cupedAdjustedMoments(bivariateMomentsOf([1, 2, 3], [2, 4, 7]), 2.5, 2).m2 // 0.16666666666666607
 */
export function cupedAdjustedMoments(
  moments: BivariateMoments,
  theta: number,
  pooledMeanX: number,
): MeanMoments {
  return {
    n: moments.n,
    mean: moments.meanY - theta * (moments.meanX - pooledMeanX),
    m2: Math.max(0, moments.m2Y - 2 * theta * moments.cXY + theta * theta * moments.m2X),
  };
}

function summarizeArm(input: CupedArmInput, theta: number, pooledMeanX: number): CupedArm {
  const adjusted = cupedAdjustedMoments(input.moments, theta, pooledMeanX);
  const present = input.moments.n > 0;
  return {
    name: input.name,
    n: input.moments.n,
    mean: present ? input.moments.meanY : null,
    adjustedMean: present ? adjusted.mean : null,
    variance: sampleVariance(marginalY(input.moments)),
    adjustedVariance: sampleVariance(adjusted),
    adjusted,
  };
}

/**
 * CUPED over k arms: theta pooled over all units (0 for a constant covariate); per arm the plain
 * and adjusted means and sample variances; per treatment Welch's test on the adjusted values,
 * the relative lift of the adjusted means with the delta-method interval using the adjusted
 * variances, Welch's standard error of the unadjusted difference, and the variance reduction
 * 1 - (se / unadjusted se)^2. Undefined values are null (an arm below two units, se = 0).
 * Source: Deng, Xu, Kohavi & Walker (2013), WSDM; Welch (1947); scipy.stats.ttest_ind on the
 * adjusted values (equal_var=False); Deng, Knoblich & Lu (2018), KDD, for the relative interval.
 * @param arms - the arms in order, each with its (x, y) moments
 * @param control - name of the control arm
 * @param alpha - significance level of the intervals
 * @returns theta, the arms in input order and one comparison per treatment in input order
 * @throws RangeError when no arm is named `control`
 * @example cuped([{ name: 'a', moments: ma }, { name: 'b', moments: mb }], 'a', 0.05).theta
 */
export function cuped(arms: readonly CupedArmInput[], control: string, alpha: number): CupedResult {
  const controlArm = arms.find((arm) => arm.name === control);
  if (controlArm === undefined) throw new RangeError(`no arm is named "${control}"`);
  const pooled = arms.reduce(
    (sum, arm) => mergeBivariateMoments(sum, arm.moments),
    EMPTY_BIVARIATE_MOMENTS,
  );
  const theta = cupedTheta(pooled);
  const summaries = arms.map((arm) => summarizeArm(arm, theta, pooled.meanX));
  const controlSummary = summaries[arms.indexOf(controlArm)];
  const comparisons = arms.flatMap((input, index): CupedComparison[] => {
    if (input.name === control) return [];
    const arm = summaries[index];
    const welch = welchTTest(controlSummary.adjusted, arm.adjusted, alpha);
    const plain = welchTTest(marginalY(controlArm.moments), marginalY(input.moments), alpha);
    const unadjusted = plain.standardError;
    const reduction =
      welch.standardError !== null && unadjusted !== null && unadjusted > 0
        ? 1 - (welch.standardError / unadjusted) ** 2
        : null;
    return [
      {
        treatment: arm.name,
        welch,
        relativeLift: relativeLift(
          { ...controlSummary.adjusted, variance: controlSummary.adjustedVariance },
          { ...arm.adjusted, variance: arm.adjustedVariance },
          alpha,
        ),
        unadjustedStandardError: unadjusted,
        varianceReduction: reduction,
      },
    ];
  });
  return { theta, arms: summaries, comparisons };
}
