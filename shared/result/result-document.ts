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
});
export type VariantSummary = z.infer<typeof variantSummarySchema>;

export const comparisonSchema = z.object({
  variant: z.string(),
  control: z.string(),
  test: z.enum(['chi_square', 'fisher_exact', 'welch_t']).nullable(),
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
});
export type Comparison = z.infer<typeof comparisonSchema>;

export const metricResultSchema = z.object({
  name: z.string(),
  type: z.enum(['binomial', 'continuous']),
  variants: z.array(variantSummarySchema),
  comparisons: z.array(comparisonSchema),
});
export type MetricResult = z.infer<typeof metricResultSchema>;

export const modelResultSchema = z.object({
  metric: z.string(),
  model: z.enum(['logistic_regression', 'linear_regression']),
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
});
export type ModelResult = z.infer<typeof modelResultSchema>;

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
 * Where an experiment object came from: the code, the definition and every input batch, and
 * the fingerprint over them that the analysis id is derived from (docs/report.md, "Provenance").
 */
export const provenanceSchema = z
  .object({
    abtest_version: z.string().meta({ description: "abtest's version (package.json)." }),
    engine: z.enum(['inprocess']).meta({ description: 'The analysis engine that computed it.' }),
    analysis_version: sha256Hex.meta({
      description:
        'SHA-256 of the statistics code path (shared/stats, shared/models, shared/analysis) and the engine version.',
    }),
    definition_version: z.number().int().nullable().meta({
      description: "The experiment's version when it was analysed; null without a definition.",
    }),
    inputs: z.array(provenanceInputSchema).meta({ description: 'Every batch used, by batch id.' }),
    computed_at: z.string(),
    fingerprint: sha256Hex.meta({
      description:
        'SHA-256 over the experiment id, the sorted inputs (batch id and sha256), the definition, the statistics settings and analysis_version. The analysis id is `an_` and its first 24 hex digits.',
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
  models: z.array(modelResultSchema),
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
