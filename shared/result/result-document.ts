/**
 * The result document of DESIGN.md ("The result document"): the public contract printed by
 * `abtest run --json` and served by `GET /v1/experiments/{id}/summary`. snake_case throughout;
 * an absent value is `null`, never `undefined`, NaN or Infinity.
 */
import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const nullableNumber = finite.nullable();
const interval = z.tuple([nullableNumber, nullableNumber]);

/** One row-level problem of a batch: where it is and why it was rejected. */
export const rowErrorSchema = z.object({
  line: z.number().int().nullable(),
  column: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
});
export type RowError = z.infer<typeof rowErrorSchema>;

export const batchSummarySchema = z.object({
  batch_id: z.string(),
  source: z.string(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  duplicates: z.number().int(),
  status: z.enum(['received', 'validated', 'rejected', 'failed']),
  errors: z.array(rowErrorSchema),
});
export type BatchSummary = z.infer<typeof batchSummarySchema>;

export const variantSummarySchema = z.object({
  variant: z.string(),
  is_control: z.boolean(),
  users: z.number().int(),
  sum: finite,
  mean: nullableNumber,
  sd: nullableNumber,
  ci_low: nullableNumber,
  ci_high: nullableNumber,
  /** Ratio metrics only: the sums over the arm's users (`mean` is their ratio). */
  numerator_sum: finite.optional(),
  denominator_sum: finite.optional(),
});
export type VariantSummary = z.infer<typeof variantSummarySchema>;

/** CUPED beside the plain estimate: Welch on the adjusted values (not in the BH family). */
export const cupedEstimateSchema = z.object({
  theta: finite,
  difference: nullableNumber,
  difference_ci: interval,
  p_value: nullableNumber,
  variance_reduction: nullableNumber,
});
export type CupedEstimate = z.infer<typeof cupedEstimateSchema>;
/**
 * The always-valid view of a comparison watched look by look (issue 13, "Sequential"): the
 * confidence sequence of the difference and the always-valid p-value, running over the
 * experiment's looks (every distinct analysis is one, kept in the database), with the plan.
 */
export const sequentialSchema = z.object({
  /** The experiment's planned users, and where the number came from. */
  planned_users: finite,
  planned_users_source: z.enum(['definition', 'power', 'observed']),
  /** This comparison's share of the planned users (control + treatment), the sequence's n_planned. */
  n_planned: finite,
  /** Users of the control and the treatment at this look. */
  n: z.number().int(),
  /** Looks so far, this one included. */
  looks: z.number().int(),
  /** The running intersection: the confidence sequence of the difference. */
  ci: interval,
  /** The running minimum: the always-valid p-value. */
  p_value: nullableNumber,
  /** This look alone: its interval and p-value. */
  look_ci: interval,
  look_p_value: nullableNumber,
});
export type SequentialResult = z.infer<typeof sequentialSchema>;

/** What the sequential test supports at this look: `ship`, `stop: harm`, `stop: futile` or `keep running`. */
export const decisionSchema = z.object({
  action: z.enum(['ship', 'stop: harm', 'stop: futile', 'keep running']),
  reason: z.string(),
});
export type DecisionResult = z.infer<typeof decisionSchema>;

export const comparisonSchema = z.object({
  variant: z.string(),
  control: z.string(),
  test: z.enum(['chi_square', 'fisher_exact', 'welch_t', 'delta_method_z']).nullable(),
  statistic: nullableNumber,
  p_value: nullableNumber,
  p_value_adjusted: nullableNumber,
  significant: z.boolean(),
  difference: nullableNumber,
  difference_ci: interval,
  relative_lift: nullableNumber,
  relative_lift_ci: interval,
  df: nullableNumber,
  cohens_d: nullableNumber,
  mann_whitney: z.object({ u: finite, p_value: nullableNumber }).nullable(),
  bayesian: z.object({ prob_beat_control: finite, expected_loss: finite }).nullable(),
  /** The CUPED estimate beside this plain one; null without `cuped: true`. */
  cuped: cupedEstimateSchema.nullable().default(null),
  /**
   * A guardrail metric's treatment is harmed when its adjusted p-value is below alpha and the
   * difference lies on the bad side; null for metrics that are not guardrails.
   */
  guardrail_harmed: z.boolean().nullable().default(null),
  // Optional only so that analyses stored before them still read; every new analysis has both.
  sequential: sequentialSchema.optional(),
  decision: decisionSchema.optional(),
});
export type Comparison = z.infer<typeof comparisonSchema>;

/** A level of a segment attribute (levels below 30 users in an arm pooled into `other`). */
export const segmentLevelSchema = z.object({
  attribute: z.string(),
  level: z.string(),
  variants: z.array(
    z.object({ variant: z.string(), users: z.number().int(), mean: nullableNumber }),
  ),
  comparisons: z.array(
    z.object({
      variant: z.string(),
      difference: nullableNumber,
      relative_lift: nullableNumber,
      p_value: nullableNumber,
      p_value_adjusted: nullableNumber,
    }),
  ),
});
export type SegmentLevel = z.infer<typeof segmentLevelSchema>;

/** Cochran's Q over a segment's levels for one treatment. */
export const heterogeneitySchema = z.object({
  attribute: z.string(),
  variant: z.string(),
  q: nullableNumber,
  df: z.number().int(),
  p_value: nullableNumber,
  i_squared: nullableNumber,
});
export type HeterogeneityResult = z.infer<typeof heterogeneitySchema>;

const decompositionPartSchema = z.object({
  control: nullableNumber,
  treatment: nullableNumber,
  relative_lift: nullableNumber,
  relative_lift_ci: interval,
});

/** Revenue per user = conversion rate x revenue per buyer, per treatment. */
export const revenueDecompositionSchema = z.object({
  variant: z.string(),
  revenue_per_user: decompositionPartSchema,
  conversion_rate: decompositionPartSchema,
  revenue_per_buyer: decompositionPartSchema,
});
export type RevenueDecomposition = z.infer<typeof revenueDecompositionSchema>;

export const metricResultSchema = z.object({
  name: z.string(),
  type: z.enum(['binomial', 'continuous', 'ratio']),
  variants: z.array(variantSummarySchema),
  comparisons: z.array(comparisonSchema),
  /** The percentiles asked for and the caps they gave; null without winsorizing. */
  winsorize: z
    .object({
      lower: finite,
      upper: finite,
      lower_cap: nullableNumber,
      upper_cap: nullableNumber,
    })
    .nullable()
    .default(null),
  /** A guardrail's harmful direction and whether any treatment harmed it; null otherwise. */
  guardrail: z
    .object({ bad: z.enum(['increase', 'decrease']), harmed: z.boolean() })
    .nullable()
    .default(null),
  segments: z.array(segmentLevelSchema).default([]),
  heterogeneity: z.array(heterogeneitySchema).default([]),
  /** The `revenue` metric only: which factor of revenue per user moved. */
  decomposition: z.array(revenueDecompositionSchema).nullable().default(null),
});
export type MetricResult = z.infer<typeof metricResultSchema>;

export const modelResultSchema = z.object({
  metric: z.string(),
  /** Logistic for binomial metrics, linear for continuous ones, quasi-Poisson for counts. */
  model: z.enum(['logistic_regression', 'linear_regression', 'quasi_poisson_regression']),
  coefficients: z.array(
    z.object({
      term: z.string(),
      estimate: nullableNumber,
      std_error: nullableNumber,
      p_value: nullableNumber,
    }),
  ),
  treatment_effects: z.array(
    z.object({ variant: z.string(), predicted_delta: nullableNumber, ci: interval }),
  ),
  cv: z.object({
    folds: z.number().int(),
    auc: nullableNumber,
    log_loss: nullableNumber,
    rmse: nullableNumber,
    r2: nullableNumber,
  }),
  feature_importance: z.array(z.object({ feature: z.string(), importance: finite })),
  flags: z.array(z.string()),
  /** The quasi-Poisson dispersion (Pearson chi-square / (n - p)); null for the other models. */
  dispersion: nullableNumber.default(null),
  /** The penalty of the logistic fit: `none` (maximum likelihood) or `ridge` with its lambda. */
  penalty: z.enum(['none', 'ridge']).default('none'),
  lambda: nullableNumber.default(null),
  /**
   * The 20% holdout (units by a hash of the unit id, stratified by variant) scored by a model
   * fitted on the other 80%; null when it was not scored.
   */
  holdout: z
    .object({
      units: z.number().int(),
      auc: nullableNumber,
      log_loss: nullableNumber,
      rmse: nullableNumber,
      r2: nullableNumber,
    })
    .nullable()
    .default(null),
});
export type ModelResult = z.infer<typeof modelResultSchema>;

export const allocationSchema = z.object({
  metric: z.string(),
  floor: finite,
  arms: z.array(z.object({ variant: z.string(), probability_best: finite, weight: finite })),
});
export type Allocation = z.infer<typeof allocationSchema>;
/** Where the experiment stands against its plan (the primary metric's power). */
export const planningSchema = z.object({
  metric: z.string().nullable(),
  mde: finite,
  power: finite,
  planned_users: finite,
  planned_users_source: z.enum(['definition', 'power', 'observed']),
  users: z.number().int(),
  days_elapsed: nullableNumber,
  daily_users: nullableNumber,
  days_left: nullableNumber,
  current_mde: nullableNumber,
});
export type Planning = z.infer<typeof planningSchema>;

/** One comparison as of the end of one UTC day (`GET .../results?granularity=day`). */
export const dailyResultSchema = z.object({
  date: z.string(),
  metric: z.string(),
  variant: z.string(),
  users: z.number().int(),
  control_mean: nullableNumber,
  difference: nullableNumber,
  difference_ci: interval,
  relative_lift: nullableNumber,
  relative_lift_ci: interval,
  p_value: nullableNumber,
  sequential_ci: interval,
  sequential_p_value: nullableNumber,
});
export type DailyResultRow = z.infer<typeof dailyResultSchema>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');

/** One batch an analysis read: which, from where, the SHA-256 of its bytes as uploaded. */
export const provenanceInputSchema = z.object({
  batch_id: z.string(),
  source: z.string().meta({ description: 'The name the batch was uploaded under.' }),
  sha256: sha256Hex.meta({ description: 'SHA-256 of the raw bytes as uploaded, hexadecimal.' }),
  accepted: z
    .number()
    .int()
    .meta({ description: "The batch's rows accepted for this experiment." }),
});
export type ProvenanceInput = z.infer<typeof provenanceInputSchema>;

/**
 * What a `POST /v1/analytics/run` request changed, as the fingerprint covers it: null for an
 * analysis of every metric at the definition's alpha. `abtest verify` reads it back.
 */
export const provenanceRequestSchema = z
  .object({
    metrics: z.array(z.string()).nullable().meta({
      description: 'The metrics analysed, sorted, when fewer than all; null for all of them.',
    }),
    alpha: finite.nullable().meta({
      description: "The alpha asked for (1 - ci), when not the definition's; null otherwise.",
    }),
  })
  .nullable()
  // Absent in analyses stored before it existed, which were all analyses of everything.
  .default(null)
  .meta({
    description:
      "What a POST /v1/analytics/run request changed (metrics, alpha), as the fingerprint covers it; null for an analysis of every metric at the definition's alpha.",
  });

export type ProvenanceRequest = z.infer<typeof provenanceRequestSchema>;

/**
 * Where an experiment object came from: the code, the definition and every input batch, and
 * the fingerprint over them that the analysis id is derived from (docs/report.md, "Provenance").
 */
export const provenanceSchema = z
  .object({
    abtest_version: z.string().meta({ description: "abtest's version (package.json)." }),
    engine: z.enum(['inprocess', 'duckdb', 'bigquery']).meta({
      description:
        'The analysis engine that computed it (ABTEST_ENGINE): inprocess, duckdb or bigquery.',
    }),
    analysis_version: sha256Hex.meta({
      description:
        'SHA-256 of the statistics code path (shared/stats, shared/models, shared/analysis) and the engine version.',
    }),
    definition_version: z.number().int().nullable().meta({
      description: "The experiment's version when it was analysed; null without a definition.",
    }),
    inputs: z.array(provenanceInputSchema).meta({ description: 'Every batch used, by batch id.' }),
    computed_at: z.string(),
    request: provenanceRequestSchema,
    fingerprint: sha256Hex.meta({
      description:
        'SHA-256 over the experiment id, the sorted inputs (batch id and sha256), the definition, the statistics settings (alpha as applied, the unit-table settings, the engine, the request when there is one) and analysis_version. The analysis id is `an_` and its first 24 hex digits.',
    }),
  })
  .meta({
    description:
      'Where the experiment object came from: the code, the definition, every input, and their fingerprint.',
  });
export type Provenance = z.infer<typeof provenanceSchema>;

export const experimentResultSchema = z.object({
  experiment_id: z.string(),
  analysis_id: z.string(),
  computed_at: z.string(),
  alpha: finite,
  data: z.object({
    events: z.number().int(),
    users: z.number().int(),
    excluded_users: z.object({ multiple_variants: z.number().int() }),
  }),
  srm: z.object({
    p_value: nullableNumber,
    flagged: z.boolean(),
    observed: z.record(z.string(), z.number().int()),
    expected_share: z.record(z.string(), finite),
  }),
  metrics: z.array(metricResultSchema),
  /**
   * Experiments with more than one treatment: each arm's probability of being best on the
   * primary metric and the Thompson-sampling weights recommended for new traffic.
   */
  allocation: allocationSchema.nullable().default(null),
  models: z.array(modelResultSchema),
  // Optional only so that analyses stored before them still read; every new analysis has both.
  planning: planningSchema.optional(),
  by_day: z.array(dailyResultSchema).optional(),
  report: z.object({ pdf: z.string(), csv: z.string() }).nullable(),
  // Null only in analyses stored before provenance existed.
  provenance: provenanceSchema.nullable().default(null),
});
export type ExperimentResult = z.infer<typeof experimentResultSchema>;

export const resultDocumentSchema = z.object({
  batches: z.array(batchSummarySchema),
  experiments: z.array(experimentResultSchema),
});
export type ResultDocument = z.infer<typeof resultDocumentSchema>;
