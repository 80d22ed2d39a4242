/**
 * The statistics layer of abtest: distributions, per-arm summaries over addable moments, the
 * binomial and continuous comparisons of the result document, multiple-testing adjustment and
 * the sample-ratio check; and the decision statistics (CUPED, ratio metrics, winsorization,
 * power and MDE, confidence sequences, Holm/Bonferroni, heterogeneity, probability of being
 * best, Thompson allocation, normal-approximation P(beat control)). Pure functions; undefined quantities are null, never NaN or Infinity.
 * Methods, formulas and sources: docs/statistics.md.
 */
export { compareBinomial } from './compare-binomial.ts';
export { compareContinuous } from './compare-continuous.ts';
export type { ArmComparison, ContinuousSample } from './arm-comparison.ts';
export { summarizeBinomialArm, summarizeContinuousArm, type ArmSummary } from './arm-summary.ts';
export { benjaminiHochberg } from './benjamini-hochberg.ts';
export {
  sampleRatioMismatch,
  SRM_P_VALUE_THRESHOLD,
  type SampleRatioMismatch,
} from './sample-ratio-mismatch.ts';

export {
  EMPTY_MOMENTS,
  momentsOf,
  welfordMoments,
  mergeMoments,
  addToMoments,
  sampleVariance,
  sampleSd,
  type MeanMoments,
} from './mean-moments.ts';
export {
  mergeProportions,
  proportion,
  bernoulliVariance,
  type ProportionStats,
} from './proportion-stats.ts';

export {
  binomialTest,
  twoByTwoTable,
  MINIMUM_EXPECTED_CELL,
  type BinomialTest,
} from './binomial-test.ts';
export { wilsonInterval } from './wilson-interval.ts';
export { meanInterval } from './mean-interval.ts';
export { proportionDifference } from './wald-difference-interval.ts';
export { relativeLift, type ArmEstimate, type RelativeLift } from './relative-lift.ts';
export {
  pearsonChiSquare2x2,
  expectedCounts,
  type StatisticWithPValue,
} from './pearson-chi-square.ts';
export {
  fisherExactPValue,
  FISHER_RELATIVE_TOLERANCE,
  type TwoByTwoTable,
} from './fisher-exact-test.ts';
export {
  bayesianBinomialComparison,
  compareBetaPosteriors,
  betaPosterior,
  type BayesianComparison,
} from './bayesian-beta-comparison.ts';
export { welchTTest, type WelchTTest } from './welch-t-test.ts';
export { cohensD } from './cohens-d.ts';
export { mannWhitneyU, type MannWhitneyU } from './mann-whitney-u.ts';
export {
  symmetricInterval,
  toNullableInterval,
  finiteOrNull,
  type Interval,
  type NullableInterval,
} from './interval.ts';

export { normalCdf, normalSf, normalQuantile, normalCriticalValue } from './normal-distribution.ts';
export {
  studentTCdf,
  studentTSf,
  studentTTwoSidedPValue,
  studentTQuantile,
  studentTCriticalValue,
} from './student-t-distribution.ts';
export { chiSquareCdf, chiSquareSf, chiSquareQuantile } from './chi-square-distribution.ts';
export { betaCdf, betaSf, betaPdf, betaMean, betaSd, type BetaShape } from './beta-distribution.ts';
export {
  hypergeometricPmf,
  hypergeometricLogWeights,
  type HypergeometricLogWeights,
} from './hypergeometric-distribution.ts';
export {
  logGamma,
  logBeta,
  regularizedBeta,
  regularizedBetaWithDensity,
  regularizedGamma,
} from './special-functions.ts';
export { integrateGaussKronrod, type VectorIntegrand } from './gauss-kronrod.ts';

export {
  EMPTY_BIVARIATE_MOMENTS,
  bivariateMomentsOf,
  bivariateMomentsFromSums,
  mergeBivariateMoments,
  marginalX,
  marginalY,
  type BivariateMoments,
  type BivariateSums,
} from './bivariate-moments.ts';
export {
  cuped,
  cupedTheta,
  cupedAdjustedMoments,
  CONSTANT_COVARIATE,
  type CupedArm,
  type CupedArmInput,
  type CupedComparison,
  type CupedResult,
} from './cuped.ts';
export {
  ratioArm,
  compareRatios,
  type RatioArm,
  type RatioComparison,
} from './delta-method-ratio.ts';
export {
  valueHistogram,
  mergeHistograms,
  histogramPercentile,
  clippedMoments,
  type ValueHistogram,
} from './value-histogram.ts';
export { winsorize, winsorizeValues, type Winsorized } from './winsorize.ts';
export { noncentralTCdf, noncentralTSf } from './noncentral-t-distribution.ts';
export { brentRoot } from './root-finding.ts';
export { cohensH, testPower, type PowerTest } from './test-power.ts';
export {
  sampleSize,
  solveControlSize,
  effectSizeOf,
  bonferroniLevel,
  type PowerMetric,
  type PowerDesign,
  type SampleSize,
} from './sample-size.ts';
export {
  minimumDetectableEffect,
  solveEffectSize,
  relativeEffect,
  type MinimumDetectableEffect,
} from './minimum-detectable-effect.ts';
export {
  daysNeeded,
  currentMinimumDetectableEffect,
  type CurrentSample,
} from './experiment-planning.ts';
export {
  confidenceSequence,
  sequentialRho2,
  sequentialLookBounds,
  updateSequentialState,
  INITIAL_SEQUENTIAL_STATE,
  type SequentialLook,
  type SequentialLookResult,
  type SequentialState,
} from './confidence-sequence.ts';
export { comparisonLook } from './comparison-look.ts';
export { holm, bonferroni, adjustPValues, type PValueCorrection } from './p-value-corrections.ts';
export { cochranHeterogeneity, type Heterogeneity } from './heterogeneity.ts';
export { probabilityBest, probabilityBestOfPosteriors } from './probability-best.ts';
export { thompsonAllocation, THOMPSON_FLOOR } from './thompson-allocation.ts';
export { normalProbabilityBest, type NormalArm } from './normal-probability-best.ts';
export { normalBeatControl } from './normal-beat-control.ts';

export {
  computeVectors,
  VectorFileError,
  type ComputedVectors,
  type ComputedCase,
} from './compute-vectors.ts';
export { STATS_SECTION_COMPUTERS, type SectionComputer } from './vector-sections.ts';
