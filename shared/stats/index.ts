/**
 * The statistics layer of abtest: distributions, per-arm summaries over addable moments, the
 * binomial and continuous comparisons of the result document, multiple-testing adjustment and
 * the sample-ratio check. Pure functions; undefined quantities are null, never NaN or Infinity.
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
  computeVectors,
  VectorFileError,
  type ComputedVectors,
  type ComputedCase,
} from './compute-vectors.ts';
export { STATS_SECTION_COMPUTERS, type SectionComputer } from './vector-sections.ts';
