/**
 * The shapes of the live API (issue 14): snapshots, windows, alerts and the body of an alert
 * move. The handlers answer these; the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { alertKinds, alertSeverities, alertStatuses } from '../../live/alert-rules.ts';

const count = z.int().min(0);
const timestamp = z.string().meta({ description: 'ISO-8601, UTC.' });

/** One row of a posterior snapshot. */
export const snapshotSchema = z.object({
  variant: z.string(),
  tick_at: timestamp,
  exposures: count,
  successes: count,
  alpha: z.number().meta({ description: '1 + successes.' }),
  beta: z.number().meta({ description: '1 + exposures - successes.' }),
  probability_beat_control: z
    .number()
    .nullable()
    .meta({ description: 'P(this variant > control); null for the control.' }),
  expected_loss: z
    .number()
    .nullable()
    .meta({ description: 'E[max(p_control - p_variant, 0)]; null for the control.' }),
  incremental_exposures: z.int(),
  incremental_successes: z.int(),
});

/** `GET /v1/experiments/{experiment_id}/snapshots`. */
export const snapshotListSchema = z.object({ snapshots: z.array(snapshotSchema) });

/** One time window of one variant and event type. */
export const windowSchema = z.object({
  start: timestamp,
  variant: z.string(),
  event_type: z.string(),
  count,
  sum: z.number().nullable(),
  avg: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});

/** `GET /v1/experiments/{experiment_id}/windows`. */
export const windowListSchema = z.object({ windows: z.array(windowSchema) });

/** An alert. */
export const alertSchema = z.object({
  id: z.string().meta({ description: '`al_` + 24 hex.' }),
  experiment_id: z.string(),
  kind: z.enum(alertKinds),
  metric: z.string().nullable(),
  severity: z.enum(alertSeverities),
  status: z.enum(alertStatuses),
  message: z.string(),
  count: z.int().min(1).meta({ description: 'How often it was seen while unresolved.' }),
  opened_at: timestamp,
  last_seen_at: timestamp,
  acknowledged_at: timestamp.nullable(),
  acknowledged_by: z.string().nullable().meta({ description: "The token's name." }),
  acknowledged_note: z.string().nullable(),
  resolved_at: timestamp.nullable(),
  resolved_by: z.string().nullable(),
  resolved_note: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

/** `GET /v1/alerts`. */
export const alertListSchema = z.object({
  alerts: z.array(alertSchema),
  next_cursor: z.string().nullable(),
});

/** The body of `POST /v1/alerts/{alert_id}/acknowledge` and `.../resolve`. */
export const alertMoveSchema = z.object({ note: z.string().max(2000).optional() }).strict();

/** The live API's response schemas, by their OpenAPI names. */
export const liveComponentSchemas = {
  SnapshotList: snapshotListSchema,
  WindowList: windowListSchema,
  Alert: alertSchema,
  AlertList: alertListSchema,
};

/** The live API's request schemas. */
export const liveRequestSchemas = { AlertMove: alertMoveSchema };
