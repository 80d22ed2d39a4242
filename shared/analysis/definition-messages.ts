/**
 * Every message the experiment definition's validation gives, in one place: the CLI, the
 * bucket, the API (422 with the field's path) and the dashboard (beside the field) all show
 * these words. A later setting adds its messages here.
 */

/** The messages of the definition schema, by rule. */
export const definitionMessages = {
  id: 'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
  notAnObject: 'a definition is a JSON or YAML object',
  unknownField: (field: string) => `unknown field "${field}"`,
  atLeastTwoVariants: 'give at least 2 variants',
  variantKeyTwice: (key: string) => `variant key "${key}" is used twice`,
  weightPositive: 'a weight must be greater than 0',
  weightsAllOrNone: 'give every variant a weight, or none (an equal split)',
  weightsSum: (sum: number) =>
    `weights must sum to 1 or to 100 (within 1e-6), not ${Number(sum.toPrecision(12))}`,
  controlCount: (flagged: readonly string[]) =>
    flagged.length === 0
      ? 'exactly one variant must be the control: flag one with control: true, or name one "control"'
      : `exactly one variant must be the control, not ${flagged.length} (${flagged.join(', ')})`,
  allocationRange: 'traffic_allocation must be greater than 0 and at most 1',
  primaryMetricUnknown: (name: string, known: readonly string[]) =>
    `primary_metric "${name}" is not among the metrics (${known.join(', ')})`,
  guardrailUnknown: (name: string, known: readonly string[]) =>
    `guardrail metric "${name}" is not among the metrics (${known.join(', ')})`,
  metricNameTwice: (name: string) => `metric name "${name}" is used twice`,
  startBeforeEnd: 'start_at must be before end_at',
  alphaRange: 'alpha must be greater than 0 and less than 1',
  configObject: 'config must be a JSON object',
  percentileRange: 'a percentile must be between 0 and 100',
  winsorizeOrder: 'winsorize.lower must not be above winsorize.upper',
  winsorizeContinuous: 'winsorize applies to continuous metrics only',
  lookbackPositive: 'cuped_lookback_days must be greater than 0',
  cupedRatio: 'cuped applies to binomial and continuous metrics, not to ratios',
  cupedSettingWithoutCuped: (field: string) => `${field} needs cuped: true`,
  ratioParts: (part: string) => `a ratio metric needs a ${part}: {event_type, aggregate}`,
  notARatio: (part: string) => `${part} belongs to ratio metrics only (type: ratio)`,
  segmentTwice: (name: string) => `segment "${name}" is named twice`,
  lambdaRange: 'lambda must be a number >= 0 or "cv"',
  lambdaWithoutRidge: 'lambda applies only with penalty: ridge',
  covariateTwice: (name: string) => `covariate "${name}" is named twice`,
  covariateReserved: (name: string) => `covariate "${name}" is an events column, not an attribute`,
  covariateDerived: (name: string) =>
    `covariate "${name}" is derived by derived_covariates: true; do not list it`,
  boundFinite: 'a range bound must be a finite number',
  nullShareRange: 'max_null_share must be between 0 and 1',
  rangeBound: (column: string) => `the range of ${column} needs a min, a max or both`,
  rangeOrder: (column: string, min: number, max: number) =>
    `the range of ${column} has min ${min} above max ${max}`,
  plannedUsersPositive: 'planned_users must be a whole number greater than 0',
  mdePositive: 'mde is a relative effect greater than 0 (0.05 for +5%)',
  powerRange: 'power must be greater than 0 and less than 1',
  practicalEffectPositive: 'practical_effect is a relative lift greater than 0 (0.01 for +/-1%)',
  practicalEffectBand: 'practical_effect needs lower <= 0 <= upper',
} as const;
