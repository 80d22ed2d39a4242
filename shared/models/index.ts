/**
 * The regression-model layer of the train stage: pure functions over a per-unit table.
 * See docs/models.md for the estimators and every rule.
 */
export { trainModels, type TrainOptions } from './train-models.ts';
export {
  MISSING_LEVEL,
  type CategoricalColumn,
  type UnitAttribute,
  type UnitMetric,
  type UnitTable,
} from './unit-table.ts';
export { unitTableFromRecords, type RecordColumns } from './unit-table-from-records.ts';
export {
  computeRegressionCase,
  type RegressionCaseInput,
  type RegressionCaseOutput,
} from './regression-vector.ts';
export {
  fitLogisticRegression,
  RIDGE_PENALTY,
  SEPARATION_ETA,
  type LogisticFit,
  type LogisticOptions,
} from './logistic-regression.ts';
export { fitLinearRegression, type LinearFit } from './linear-regression.ts';
export {
  groupedDesign,
  type BinomialGroups,
  type GaussianGroups,
  type GroupedDesign,
} from './grouped-data.ts';
export { MIN_LEVEL_UNITS, POOLED_LEVEL } from './factor-levels.ts';
export { CV_FOLDS, CV_SEED, unitHash } from './unit-folds.ts';
export { DEPENDENCE_TOLERANCE } from './column-selection.ts';
export {
  fitPoissonRegression,
  type PoissonFit,
  type PoissonFailure,
  type PoissonOptions,
} from './poisson-regression.ts';
export { poissonStart, type PoissonStart } from './poisson-start.ts';
export {
  covariateDesign,
  groupOutcome,
  type CovariateDesign,
  type GroupOutcome,
} from './covariate-design.ts';
export {
  refineByNumericCovariates,
  appendNumericColumns,
  type NumericCovariate,
  type CovariatePatterns,
} from './numeric-covariates.ts';
export {
  averageTreatmentEffect,
  linearTreatmentEffect,
  LOGISTIC_INVERSE_LINK,
  LOG_INVERSE_LINK,
  type InverseLink,
  type TreatmentEffect,
} from './treatment-effect.ts';
export {
  computeCountModelCase,
  countModelCaseInputSchema,
  type CountModelCaseInput,
} from './count-model-vectors.ts';
