/**
 * The bodies of the routes that run experiments (lifecycle, audit log, assignment, events,
 * definition uploads) as zod schemas: requests are parsed with them and the OpenAPI document
 * is generated from them, like api-schemas.ts. A body of the right JSON but the wrong shape
 * answers 422 with the path of the field at fault.
 */
import { z } from 'zod';
import {
  experimentDefinitionFields,
  experimentStatuses,
} from '../../analysis/experiment-definition.ts';
import { ValidationError } from '../../errors/errors.ts';
import { experimentIdPattern } from '../../events/events-contract.ts';
import { rowErrorSchema } from '../../result/result-document.ts';
import { maxEventsPerRequest } from '../../stages/live-events.ts';
import { experimentSchema } from './api-schemas.ts';

const timestamp = z.iso.datetime();
const status = z.enum(experimentStatuses);
const experimentId = z.string().regex(experimentIdPattern, 'not a valid experiment id');

/** The longest user id assignment takes. */
export const maxUserIdLength = 512;
/** The most users (or experiments) one bulk request assigns. */
export const maxBulkUsers = 10_000;
export const maxBulkExperiments = 1_000;

/** A user id: 1 to 512 characters, any text. */
export const userIdSchema = z
  .string()
  .min(1, 'a user id is not empty')
  .max(maxUserIdLength, `a user id has at most ${maxUserIdLength} characters`);

/** `PUT /v1/experiments/{experiment_id}/status`. */
export const statusChangeSchema = z
  .object({
    status,
    reason: z
      .string()
      .max(1000)
      .nullable()
      .optional()
      .meta({ description: 'Kept in the audit log.' }),
  })
  .strict();

/** `POST /v1/experiments/{id}/allocation`: why the recommended weights are applied. */
export const allocationChangeSchema = z
  .object({
    reason: z.string().max(1000).nullable().optional().meta({
      description: 'Kept in the audit log (default: the analysis the weights came from).',
    }),
  })
  .strict();

/** One entry of the audit log. */
export const auditEntrySchema = z.object({
  at: timestamp,
  action: z.enum(['created', 'changed', 'status']),
  token_name: z.string().nullable().meta({
    description:
      'The name of the API token used (`api`, `read`, or a name of `ABTEST_API_TOKENS`); null for a file.',
  }),
  source: z.string().meta({
    description:
      '`api`, or the definition file (`gs://.../definitions/x.yaml`, `--definition x.yaml`, `POST /v1/definitions`).',
  }),
  from: status.nullable(),
  to: status,
  reason: z.string().nullable(),
  changes: z
    .array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() }))
    .meta({ description: 'The fields changed, with their values before and after.' }),
  version: z.int().min(1).meta({ description: 'The version after this change.' }),
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;

/** `GET /v1/experiments/{experiment_id}/audit`: oldest first. */
export const auditPageSchema = z.object({
  experiment_id: z.string(),
  items: z.array(auditEntrySchema),
  next_cursor: z.string().nullable(),
});

/** One assignment. */
export const assignmentSchema = z.object({
  experiment_id: z.string(),
  user_id: z.string(),
  status,
  variant: z.string().nullable().meta({
    description: 'Null outside the traffic allocation, and whenever the experiment is not running.',
  }),
  bucket: z
    .int()
    .min(0)
    .max(9999)
    .meta({ description: 'MurmurHash3 x86_32 of "{salt}:{user_id}" mod 10000.' }),
  config: z
    .record(z.string(), z.unknown())
    .nullable()
    .meta({ description: "The variant's config; null without a variant." }),
});

const enroll = z
  .boolean()
  .optional()
  .meta({ description: "Record each assigned user's exposure." });

/** `POST /v1/assignments/bulk`, many users of one experiment. */
export const usersOfExperimentSchema = z
  .object({
    experiment_id: experimentId,
    user_ids: z.array(userIdSchema).min(1).max(maxBulkUsers),
    enroll,
  })
  .strict();

/** `POST /v1/assignments/bulk`, one user in many experiments. */
export const experimentsOfUserSchema = z
  .object({
    user_id: userIdSchema,
    experiment_ids: z.array(experimentId).min(1).max(maxBulkExperiments),
    enroll,
  })
  .strict();

/** `POST /v1/assignments/bulk`: many users of one experiment, or one user in many experiments. */
export const bulkAssignmentRequestSchema = z.union([
  usersOfExperimentSchema,
  experimentsOfUserSchema,
]);

/**
 * Parses a bulk request by its shape: `user_ids` (or `experiment_id`) picks the first form.
 * @param body - the parsed JSON
 * @returns either form
 * @throws {ValidationError} (422) with the path of the field at fault
 * @example parseBulkRequest({ experiment_id: 'e', user_ids: ['u1'] })
 */
export function parseBulkRequest(
  body: unknown,
): z.infer<typeof usersOfExperimentSchema> | z.infer<typeof experimentsOfUserSchema> {
  const fields = body !== null && typeof body === 'object' ? body : {};
  return 'user_ids' in fields || 'experiment_id' in fields
    ? parseBody(usersOfExperimentSchema, body)
    : parseBody(experimentsOfUserSchema, body);
}

/** The answer of `POST /v1/assignments/bulk`, in input order. */
export const assignmentListSchema = z.object({ assignments: z.array(assignmentSchema) });

/** One event sent as it happens. */
export const liveEventSchema = z
  .object({
    experiment_id: z.string(),
    user_id: z.string(),
    event_type: z.string(),
    value: z
      .union([z.number(), z.string(), z.null()])
      .optional()
      .meta({ description: 'Revenue for purchases, >= 0.' }),
    timestamp: z.union([z.string(), z.number()]).optional().meta({
      description: 'ISO-8601 with an offset, or epoch milliseconds; now when absent.',
    }),
    event_id: z
      .string()
      .optional()
      .meta({ description: 'The deduplication key; a hash of the row when absent.' }),
    variant: z.string().optional().meta({
      description:
        "When absent: the user's assignment in the experiment (a row error unless it is running and the user in its allocation).",
    }),
    properties: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'Attributes (device, channel...), kept as strings.' }),
  })
  .meta({
    description: "The fields are checked by the events contract, as an uploaded row's are.",
  });

/** `POST /v1/events/batch`. */
export const eventBatchRequestSchema = z.object({
  events: z.array(liveEventSchema).min(1).max(maxEventsPerRequest),
});

/** Events refused whole: the rows in error, nothing stored. */
export const eventsRejectionSchema = z.object({
  error: z.string(),
  errors: z.array(rowErrorSchema),
});

/** What a definition did to its experiment, and the experiment. */
const oneDefinitionOutcome = z.object({
  outcome: z.enum(['created', 'changed', 'unchanged']),
  experiment: experimentSchema,
});

/**
 * `POST /v1/definitions`: a file of one definition answers its outcome; a file of
 * `experiments: [...]` answers each one's, in file order.
 */
export const definitionOutcomeSchema = z.union([
  oneDefinitionOutcome,
  z.object({ experiments: z.array(oneDefinitionOutcome) }),
]);

/**
 * Parses a body with a schema.
 * @param schema - the shape
 * @param body - the parsed JSON
 * @returns the value
 * @throws {ValidationError} (422) with the first bad field's path and every issue
 * @example const request = parseBody(statusChangeSchema, await readJsonBody(req))
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
  const first = issues[0] ?? { path: '', message: 'invalid' };
  throw new ValidationError(
    `${first.path === '' ? 'body' : first.path}: ${first.message}`,
    422,
    {},
    {
      path: first.path,
      issues,
    },
  );
}

/** A JSON merge patch of a definition: any field, `null` to remove it. */
const experimentPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(experimentDefinitionFields.shape).map(([name, field]) => [
        name,
        field.nullable().optional(),
      ]),
    ),
  )
  .meta({
    description:
      'Fields of `ExperimentDefinition` to change (RFC 7396: `null` removes one, arrays are replaced whole). `id` and `status` cannot change here.',
  });

/** The response schemas of these routes, for `components.schemas`. */
export const experimentComponentSchemas = {
  AuditPage: auditPageSchema,
  Assignment: assignmentSchema,
  AssignmentList: assignmentListSchema,
  EventsRejection: eventsRejectionSchema,
  DefinitionOutcome: definitionOutcomeSchema,
} as const;

/** The request schemas (described as input: a field with a default is optional). */
export const requestComponentSchemas = {
  ExperimentDefinition: experimentDefinitionFields.meta({
    description:
      'An experiment definition: the same schema for files (YAML or JSON), the API and the dashboard. See README "Experiment definitions".',
  }),
  ExperimentPatch: experimentPatchSchema,
  StatusChange: statusChangeSchema,
  AllocationChange: allocationChangeSchema,
  BulkAssignmentRequest: bulkAssignmentRequestSchema,
  LiveEvent: liveEventSchema,
  EventBatch: eventBatchRequestSchema,
} as const;
