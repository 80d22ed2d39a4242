/**
 * The JSON payload of each topic, validated at the edge of every handler (CONVENTIONS
 * "Untrusted input starts as unknown"). Each carries `version: 1`. Messages name ids only;
 * the state they refer to lives in the database.
 */
import { z } from 'zod';
import { topics, type Topic } from './topics.ts';

const id = z.string().min(1).max(200);

export const batchReceivedSchema = z.object({ version: z.literal(1), batch_id: id });
export const batchValidatedSchema = z.object({
  version: z.literal(1),
  batch_id: id,
  experiment_ids: z.array(id),
});
/** The Cloud Scheduler payload: all running experiments, or one (`experiment_id`). */
export const rerunSchema = z.object({
  version: z.literal(1),
  experiment_id: id.optional(),
  job_id: id.optional(),
  /** `POST /v1/analytics/run`: only these metrics of the experiment. */
  metrics: z.array(z.string().min(1)).min(1).optional(),
  /** `POST /v1/analytics/run`: 1 - the confidence level asked for. */
  alpha: z.number().gt(0).lt(1).optional(),
});
export const analysisCompletedSchema = z.object({
  version: z.literal(1),
  experiment_id: id,
  analysis_id: id,
  job_id: id.optional(),
  /** `POST /v1/model/train`: the metric to model (then exactly `features` are fitted). */
  target: z.string().min(1).optional(),
  /** `POST /v1/model/train`: the feature columns to fit, as given. */
  features: z.array(z.string().min(1)).optional(),
});
export const modelTrainedSchema = z.object({
  version: z.literal(1),
  experiment_id: id,
  analysis_id: id,
  job_id: id.optional(),
});
export const reportReadySchema = z.object({
  version: z.literal(1),
  experiment_id: id,
  analysis_id: id,
  pdf: z.string(),
  csv: z.string(),
});

/** One webhook delivery to make: the row in `webhook_deliveries` holds the rest. */
export const webhookDeliverySchema = z.object({ version: z.literal(1), delivery_id: id });

/** A tick of the monitor: Cloud Scheduler's `{"version":1}`. */
export const monitorTickSchema = z.object({ version: z.literal(1) });

const count = z.number().int().min(0);
const variantCounts = {
  variant: z.string(),
  exposures: count,
  successes: count,
  incremental_exposures: z.number().int(),
  incremental_successes: z.number().int(),
};

/** One row of a posterior snapshot (shared/live/posterior-reducer.ts). */
export const posteriorSnapshotSchema = z.object({
  version: z.literal(1),
  experiment_id: id,
  tick_at: z.string(),
  ...variantCounts,
  alpha: z.number(),
  beta: z.number(),
  probability_beat_control: z.number().nullable(),
  expected_loss: z.number().nullable(),
});

/** An experiment's counts per variant at a tick. */
export const progressSchema = z.object({
  version: z.literal(1),
  experiment_id: id,
  tick_at: z.string(),
  variants: z.array(z.object(variantCounts)),
});

export type BatchReceived = z.infer<typeof batchReceivedSchema>;
export type BatchValidated = z.infer<typeof batchValidatedSchema>;
export type Rerun = z.infer<typeof rerunSchema>;
export type AnalysisCompleted = z.infer<typeof analysisCompletedSchema>;
export type ModelTrained = z.infer<typeof modelTrainedSchema>;
export type ReportReady = z.infer<typeof reportReadySchema>;
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
export type MonitorTick = z.infer<typeof monitorTickSchema>;
export type PosteriorSnapshotMessage = z.infer<typeof posteriorSnapshotSchema>;
export type Progress = z.infer<typeof progressSchema>;

/** The payload type of each topic. */
export interface TopicPayloads {
  [topics.batchReceived]: BatchReceived;
  [topics.batchValidated]: BatchValidated;
  [topics.rerun]: Rerun;
  [topics.analysisCompleted]: AnalysisCompleted;
  [topics.modelTrained]: ModelTrained;
  [topics.reportReady]: ReportReady;
  [topics.webhookDelivery]: WebhookDelivery;
  [topics.monitorTick]: MonitorTick;
  [topics.posteriorSnapshot]: PosteriorSnapshotMessage;
  [topics.progress]: Progress;
}

/** The schema of each topic's payload. */
export const payloadSchemas: { readonly [T in Topic]: z.ZodType<TopicPayloads[T]> } = {
  [topics.batchReceived]: batchReceivedSchema,
  [topics.batchValidated]: batchValidatedSchema,
  [topics.rerun]: rerunSchema,
  [topics.analysisCompleted]: analysisCompletedSchema,
  [topics.modelTrained]: modelTrainedSchema,
  [topics.reportReady]: reportReadySchema,
  [topics.webhookDelivery]: webhookDeliverySchema,
  [topics.monitorTick]: monitorTickSchema,
  [topics.posteriorSnapshot]: posteriorSnapshotSchema,
  [topics.progress]: progressSchema,
};
