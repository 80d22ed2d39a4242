/**
 * The bodies of the results API as zod schemas: request bodies are parsed with them, response
 * types come from them (`z.infer`), and the OpenAPI document is generated from them
 * (`z.toJSONSchema`), so the code and the document cannot drift apart.
 */
import { z } from 'zod';
import { rowErrorSchema } from '../../result/result-document.ts';
import {
  experimentResultSchema,
  dailyResultSchema,
  planningSchema,
  metricResultSchema,
  modelResultSchema,
  provenanceSchema,
} from '../../result/result-document.ts';
import { experimentStatuses } from '../../analysis/experiment-definition.ts';
import { planRequestSchema, planSchema } from '../../analysis/experiment-plan.ts';
import { experimentIdPattern } from '../../events/events-contract.ts';
import { failureReasons } from '../../webhooks/delivery-records.ts';
import { webhookEvents } from '../../webhooks/webhook-records.ts';

const timestamp = z.iso.datetime();
const count = z.int().min(0);
const nullableNumber = z.number().nullable();
const interval = z.tuple([nullableNumber, nullableNumber]);
const experimentId = z.string().regex(experimentIdPattern, 'not a valid experiment id');

/** The body of every error answer. */
export const errorSchema = z
  .object({
    error: z.string().meta({ description: 'What went wrong, for a person.' }),
    path: z.string().optional().meta({
      description:
        'A 422 of a definition or request body: the path of the first field at fault (`variants.1.weight`; empty for the whole body).',
    }),
    issues: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'A 422: every field at fault, with its message.' }),
    status: z.enum(experimentStatuses).optional().meta({
      description: "A 409 of the lifecycle: the experiment's status now.",
    }),
    allowed: z.array(z.enum(experimentStatuses)).optional().meta({
      description: 'A 409 of the lifecycle: the states the experiment may move to.',
    }),
    frozen: z.literal(true).optional().meta({
      description: 'A 409 of a change to a field frozen once the experiment ran (`path` names it).',
    }),
  })
  .meta({ description: 'Every error answer.' });

/** `GET /healthz`. */
export const healthSchema = z.object({ status: z.literal('ok') });

/** `GET /readyz`: ready, or unavailable with the reason. */
export const readinessSchema = z.union([
  z.object({ status: z.literal('ready') }),
  z.object({
    status: z.literal('unavailable'),
    reason: z.string().meta({ description: 'Why: the database, or the migrations missing.' }),
  }),
]);

/** One experiment in `GET /v1/experiments`. */
export const experimentListItemSchema = z.object({
  experiment_id: z.string(),
  name: z.string().nullable(),
  status: z.string(),
  latest_analysis_id: z.string().nullable(),
  computed_at: timestamp.nullable(),
  users: count.nullable(),
});
export type ExperimentListItem = z.infer<typeof experimentListItemSchema>;

/** `GET /v1/experiments`: a page and the cursor of the next. */
export const experimentPageSchema = z.object({
  items: z.array(experimentListItemSchema),
  next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page.' }),
});

const experimentLinksSchema = z.object({
  summary: z.string(),
  analyses: z.string(),
  audit: z.string(),
  status: z.string(),
  results: z.string(),
  predictions: z.string(),
  report_pdf: z.string(),
  report_csv: z.string(),
});

/** `GET /v1/experiments/{experiment_id}`. */
export const experimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string().nullable(),
  status: z.enum(experimentStatuses),
  version: z
    .int()
    .min(1)
    .meta({ description: 'Bumped by every change of the definition or status.' }),
  allowed_transitions: z
    .array(z.enum(experimentStatuses))
    .meta({ description: 'The states `PUT .../status` may move it to now.' }),
  started_at: timestamp.nullable().meta({
    description:
      'When it first ran; from then on its variants, weights and salt are frozen and its allocation may only grow.',
  }),
  definition: z
    .record(z.string(), z.unknown())
    .nullable()
    .meta({ description: 'The definition (see `ExperimentDefinition`), without its status.' }),
  latest_analysis_id: z.string().nullable(),
  batch_count: count,
  created_at: timestamp,
  updated_at: timestamp,
  links: experimentLinksSchema,
});
export type ExperimentView = z.infer<typeof experimentSchema>;

/** One run of analysis (a batch, a scheduled rerun or a job). */
export const analysisRunSchema = z.object({
  trigger: z.string().meta({ description: '`batch`, `rerun` (scheduled) or `http` (a job).' }),
  outcome: z.enum(['new', 'unchanged']),
  job_id: z.string().nullable(),
  created_at: timestamp,
});

/** One analysis in the history, with its runs. */
export const analysisHistoryItemSchema = z.object({
  analysis_id: z.string(),
  computed_at: timestamp,
  input_batches: count,
  users: count.nullable(),
  is_latest: z.boolean(),
  runs: z.array(analysisRunSchema),
});
export type AnalysisHistoryItem = z.infer<typeof analysisHistoryItemSchema>;

/** `GET /v1/experiments/{experiment_id}/analyses`. */
export const analysisHistorySchema = z.object({
  experiment_id: z.string(),
  latest_analysis_id: z.string().nullable(),
  items: z.array(analysisHistoryItemSchema),
  next_cursor: z.string().nullable(),
});

const reportLinksSchema = z.object({
  summary: z.string(),
  report_pdf: z.string().nullable(),
  report_csv: z.string().nullable(),
});

/** `GET /v1/analytics/results/{experiment_id}`. */
export const analyticsResultsSchema = z.object({
  experiment_id: z.string(),
  analysis_id: z.string(),
  computed_at: z.string(),
  alpha: z.number(),
  users: count,
  srm: z.object({ p_value: nullableNumber, flagged: z.boolean() }),
  metrics: z.array(metricResultSchema),
  links: reportLinksSchema,
  /** The analysis's charts (SVG): a signed URL on Cloud Storage, else the API's download path. */
  plots: z
    .array(
      z.object({
        name: z.string().meta({ description: 'The file name, e.g. `forest-conversion.svg`.' }),
        url: z.string().meta({
          description:
            "Where to download it (image/svg+xml) with the same auth: a V4 signed URL on Cloud Storage, else this API's path /v1/experiments/{experiment_id}/analyses/{analysis_id}/plots/{name}.",
        }),
      }),
    )
    .meta({
      description:
        "The analysis's charts, written as SVG under plots/<experiment_id>/<analysis_id>/ in the artifacts bucket: a forest plot and the cumulative lift per metric, and the sequential band when there is one.",
    }),
});
export type AnalyticsResults = z.infer<typeof analyticsResultsSchema>;

/** One model-predicted effect of a treatment on a metric. */
export const predictedEffectSchema = z.object({
  metric: z.string(),
  model: modelResultSchema.shape.model,
  predicted_delta: nullableNumber.meta({
    description: 'Conversion-rate delta (logistic) or mean delta (linear) vs the control.',
  }),
  ci: interval,
  control_mean: nullableNumber,
  relative_lift: nullableNumber.meta({ description: 'predicted_delta / control_mean.' }),
  relative_lift_ci: interval,
});
export type PredictedEffect = z.infer<typeof predictedEffectSchema>;

/** `GET /v1/model/predictions/{experiment_id}`. */
export const predictionsSchema = z.object({
  experiment_id: z.string(),
  analysis_id: z.string(),
  control: z.string().nullable(),
  treatments: z.array(z.object({ variant: z.string(), effects: z.array(predictedEffectSchema) })),
  models: z.array(
    z.object({
      metric: z.string(),
      model: modelResultSchema.shape.model,
      cv: modelResultSchema.shape.cv,
      flags: z.array(z.string()),
    }),
  ),
});
export type Predictions = z.infer<typeof predictionsSchema>;

/** The body of `POST /v1/analytics/run` and `POST /v1/model/train`: the experiment. */
export const jobRequestSchema = z
  .object({ experiment_id: experimentId })
  .meta({ description: 'Other fields are accepted and ignored.' });

/** The body of `POST /v1/analytics/run`. */
export const analysisRunRequestSchema = jobRequestSchema
  .extend({
    metrics: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .meta({ description: 'Analyse only these metrics of the experiment (default all).' }),
    ci: z.number().gt(0).lt(1).optional().meta({
      description:
        "The confidence level, e.g. 0.9: the analysis's alpha is 1 - ci (default the definition's alpha).",
    }),
  })
  .meta({ description: 'Other fields are accepted and ignored.' });

/** The body of `POST /v1/model/train`. */
export const trainRequestSchema = jobRequestSchema
  .extend({
    target: z.string().min(1).optional().meta({
      description:
        'The metric to model; then exactly `features` are fitted (default: retrain every metric of the latest analysis).',
    }),
    features: z.array(z.string().min(1)).optional().meta({
      description:
        'Feature columns to fit beside the variant: attributes (one-hot), numeric covariates (as numbers). Needs `target`.',
    }),
  })
  .meta({ description: 'Other fields are accepted and ignored.' });

/** The result of a completed training job with a `target`. */
export const trainingResultSchema = z.object({
  model_id: z.string(),
  metrics: z.object({
    cv: modelResultSchema.shape.cv,
    holdout: modelResultSchema.shape.holdout,
  }),
  artifact_uri: z.string(),
  features: z.array(z.string()),
});

/** `GET /v1/jobs/{job_id}`. */
export const jobSchema = z.object({
  job_id: z.string(),
  kind: z.enum(['analysis', 'training']),
  experiment_id: z.string().nullable(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  result: z.unknown().meta({
    description:
      'Once completed: `{analysis_id, outcome}`, or for a training request with a target `{model_id, metrics, artifact_uri, features}` (TrainingResult).',
  }),
  error: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type JobView = z.infer<typeof jobSchema>;

/** The 202 answer of a job request. */
export const jobAcceptedSchema = z.object({
  job_id: z.string(),
  status: z.literal('queued'),
  kind: jobSchema.shape.kind,
  experiment_id: z.string(),
  links: z.object({ job: z.string() }),
});

const webhookEvent = z.enum(webhookEvents);

/** The body of `POST /v1/webhooks`. */
export const webhookRequestSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  experiment_id: experimentId.nullable().optional().meta({
    description: 'Deliver only events of this experiment; omitted or null for all.',
  }),
  events: z
    .array(webhookEvent)
    .min(1)
    .optional()
    .meta({ description: 'Both events when omitted.' }),
});

/** A webhook as listed (never with its secret, its URL redacted). */
export const webhookSchema = z.object({
  webhook_id: z.string(),
  url: z.string().meta({
    description:
      'Scheme, host and port; the path and query (which often hold a secret) shown as `…`.',
  }),
  url_hint: z.string().meta({
    description:
      'Tells URLs apart without showing them: `sha256:` and the first 8 hex digits of the SHA-256 of the whole URL.',
  }),
  experiment_id: z.string().nullable(),
  events: z.array(webhookEvent),
  source: z.enum(['api', 'config']),
  created_at: timestamp.nullable(),
});
export type WebhookView = z.infer<typeof webhookSchema>;

/** The 201 answer of `POST /v1/webhooks`, with the secret. */
export const webhookCreatedSchema = webhookSchema.extend({
  secret: z.string().meta({ description: 'Signs the deliveries; shown only in this answer.' }),
});

/** `GET /v1/webhooks`. */
export const webhookListSchema = z.object({ items: z.array(webhookSchema) });

const failureReason = z.enum(failureReasons).meta({
  description:
    'Why an attempt failed: address_not_allowed (the URL or an address it resolves to is refused), dns_error, connection_error, timeout, http_3xx (redirects are not followed), http_4xx, http_5xx, http_other, webhook_deleted.',
});

/** One delivery with its attempts: delivered, or failed with a reason class. */
export const deliverySchema = z.object({
  delivery_id: z.string(),
  event: webhookEvent,
  experiment_id: z.string(),
  analysis_id: z.string(),
  url: z.string().meta({ description: "Redacted like the webhook's." }),
  status: z.enum(['pending', 'delivering', 'delivered', 'failed']),
  attempts: count,
  failure_reason: failureReason.nullable(),
  created_at: timestamp,
  completed_at: timestamp.nullable(),
  attempt_log: z.array(
    z.object({
      attempt: z.int().min(1),
      outcome: z.enum(['delivered', 'failed']),
      reason: failureReason.nullable(),
      attempted_at: timestamp,
    }),
  ),
});
export type DeliveryView = z.infer<typeof deliverySchema>;

/** `GET /v1/webhooks/{webhook_id}/deliveries`. */
export const deliveryListSchema = z.object({
  webhook_id: z.string(),
  items: z.array(deliverySchema),
});

/** Every schema the OpenAPI document names under `components.schemas`. */
/** An upload's batch as `POST /v1/ingest/events` answers it (counts null until validated). */
export const ingestBatchSchema = z.object({
  batch_id: z.string(),
  status: z.enum(['received', 'validated', 'rejected', 'failed']),
  source: z.string(),
  accepted: z.number().int().nullable(),
  rejected: z.number().int().nullable(),
  duplicates: z.number().int().nullable(),
  errors: z.array(rowErrorSchema),
});

/** A batch as `GET /v1/batches/{batch_id}` shows it. */
export const batchStatusSchema = ingestBatchSchema.extend({
  error_message: z.string().nullable(),
  experiment_ids: z.array(z.string()),
});

/** A file rejected whole: the error, with the batch it was recorded as. */
export const ingestRejectionSchema = ingestBatchSchema.extend({ error: z.string() });

/** `GET /v1/experiments/{id}/results?granularity=day`. */
export const resultsByDaySchema = z.object({
  experiment_id: z.string(),
  analysis_id: z.string(),
  computed_at: z.string(),
  alpha: z.number(),
  granularity: z.literal('day'),
  planning: planningSchema.nullable(),
  days: z.array(dailyResultSchema),
});

export const componentSchemas = {
  Error: errorSchema,
  IngestBatch: ingestBatchSchema,
  IngestRejection: ingestRejectionSchema,
  BatchStatus: batchStatusSchema,
  Health: healthSchema,
  Readiness: readinessSchema,
  ExperimentPage: experimentPageSchema,
  Experiment: experimentSchema,
  ExperimentResult: experimentResultSchema,
  Provenance: provenanceSchema,
  AnalysisHistory: analysisHistorySchema,
  AnalyticsResults: analyticsResultsSchema,
  ResultsByDay: resultsByDaySchema,
  PlanRequest: planRequestSchema,
  Plan: planSchema,
  Predictions: predictionsSchema,
  JobRequest: jobRequestSchema,
  AnalysisRunRequest: analysisRunRequestSchema,
  TrainRequest: trainRequestSchema,
  TrainingResult: trainingResultSchema,
  JobAccepted: jobAcceptedSchema,
  Job: jobSchema,
  WebhookRequest: webhookRequestSchema,
  Webhook: webhookSchema,
  WebhookCreated: webhookCreatedSchema,
  WebhookList: webhookListSchema,
  DeliveryList: deliveryListSchema,
} as const;
