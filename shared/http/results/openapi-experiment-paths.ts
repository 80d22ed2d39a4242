/**
 * The `paths` of the OpenAPI document for running experiments: definitions and their
 * lifecycle, the audit log, assignment, events as they happen, definition uploads and the
 * metrics. Merged with openapi-paths.ts (a path may hold operations of both).
 */
import { pathParameter } from './openapi-fragments.ts';
import {
  cursor,
  error,
  experimentId,
  file,
  guarded,
  json,
  limit,
  notFound,
  ref,
  writeGuarded,
} from './openapi-fragments.ts';
import type { OpenApiOperation } from './openapi.ts';

/** A JSON request body of an input schema (defaults not required). */
const input = (name: string, mediaTypes: readonly string[] = ['application/json']) => ({
  required: true,
  content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: ref(name) }])),
});

const unprocessable = error(
  'A field breaks the schema or a rule: `path` names it (`variants.1.weight`), `issues` lists every one.',
);
const jsonBodyErrors = (bytes: string) => ({
  '400': error('The body is empty or not valid JSON, or an id is not valid.'),
  '413': error(`The body is larger than ${bytes}.`),
  '415': error('The body is not application/json.'),
  '422': unprocessable,
});

const userId = pathParameter(
  'user_id',
  /^.{1,512}$/u,
  'The user: any text of 1-512 characters, percent-encoded.',
);

const eventAnswers = {
  '202': json(
    'IngestBatch',
    'A new batch, queued for validation; `errors` are the rows found in error at once.',
  ),
  '200': json('IngestBatch', 'The batch these events (or this Idempotency-Key) already are.'),
  '400': {
    description:
      'Not JSON, an event that is not an object, bad `properties`, or a file error of the batch.',
    content: { 'application/json': { schema: { anyOf: [ref('IngestRejection'), ref('Error')] } } },
  },
  '413': error('The body is too large.'),
  '415': error('The body is not application/json.'),
  '422': {
    description:
      'The body is not of the documented shape; or the rows in error (a variant that cannot be assigned) are above the rejection threshold: nothing stored.',
    content: {
      'application/json': {
        schema: { anyOf: [ref('EventsRejection'), ref('IngestRejection'), ref('Error')] },
      },
    },
  },
  ...writeGuarded,
};

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', maxLength: 200 },
  description: 'A retry with the same key answers the batch of the first request.',
};

/** The paths of running experiments. */
export const openApiExperimentPaths: Readonly<
  Record<string, Readonly<Record<string, OpenApiOperation>>>
> = {
  '/v1/experiments': {
    post: {
      summary: 'Create an experiment (a draft)',
      description:
        "From a definition (`ExperimentDefinition`); it starts as `draft`. The audit log records the creation under the token's name.",
      tags: ['experiments'],
      requestBody: input('ExperimentDefinition'),
      responses: {
        '201': json('Experiment', 'Created.'),
        ...jsonBodyErrors('1 MiB'),
        ...writeGuarded,
        '409': error('An experiment with this id exists.'),
      },
    },
  },
  '/v1/experiments/{experiment_id}': {
    patch: {
      summary: 'Change fields of an experiment',
      description:
        'A JSON merge patch (RFC 7396) of the definition: members replace, `null` removes, arrays are replaced whole. Every change bumps `version`. Once the experiment has run, its variants, weights and salt are frozen and `traffic_allocation` may only grow (409).',
      tags: ['experiments'],
      parameters: [experimentId],
      requestBody: input('ExperimentPatch', ['application/merge-patch+json', 'application/json']),
      responses: {
        '200': json('Experiment', 'The experiment as it now is.'),
        ...jsonBodyErrors('1 MiB'),
        ...writeGuarded,
        '404': notFound,
        '409': error('A frozen field changed, or the allocation shrank, after the experiment ran.'),
      },
    },
  },
  '/v1/experiments/{experiment_id}/status': {
    put: {
      summary: 'Move an experiment through its lifecycle',
      description:
        'draft -> running | archived; running -> paused | completed; paused -> running | completed; completed -> archived. Anything else is 409 naming the allowed next states (`allowed`).',
      tags: ['experiments'],
      parameters: [experimentId],
      requestBody: input('StatusChange'),
      responses: {
        '200': json('Experiment', 'The experiment as it now is.'),
        ...jsonBodyErrors('64 KiB'),
        ...writeGuarded,
        '404': notFound,
        '409': error('Not an allowed move: `allowed` lists the states it may move to.'),
      },
    },
  },
  '/v1/experiments/{experiment_id}/allocation': {
    post: {
      summary: "Apply the latest analysis's Thompson-sampling weights",
      description:
        'A multi-arm experiment (three arms or more) that is running or paused: its variants take the weights of `allocation.arms[].weight` of its latest analysis (each arm at least the floor, 1%). The one change that may move the weights once the experiment has run; users move between variants as a bandit intends, and the sample-ratio check compares against the new weights. Audited, then re-analysed.',
      tags: ['experiments'],
      parameters: [experimentId],
      requestBody: input('AllocationChange'),
      responses: {
        '200': json('Experiment', 'The experiment with its new weights.'),
        ...jsonBodyErrors('64 KiB'),
        ...writeGuarded,
        '404': notFound,
        '409': error(
          'Not running or paused, no declared variants, or no allocation in the latest analysis.',
        ),
      },
    },
  },
  '/v1/experiments/{experiment_id}/audit': {
    get: {
      summary: 'The audit log of an experiment',
      description:
        'Every creation, change and transition, oldest first: when, which token (by name) or file, from, to, reason and the fields changed.',
      tags: ['experiments'],
      parameters: [experimentId, limit, cursor],
      responses: {
        '200': json('AuditPage', 'A page of entries.'),
        '400': error('A bad id, `limit` or `cursor`.'),
        ...guarded,
        '404': notFound,
      },
    },
  },
  '/v1/experiments/{experiment_id}/assignment/{user_id}': {
    get: {
      summary: "A user's variant",
      description:
        'MurmurHash3 x86_32 (seed 0) of the UTF-8 bytes of `"{salt}:{user_id}"`, mod 10000, against the variants\' ranges (README "Assignment"). Only a running experiment assigns. `enroll=true` also records the exposure event `enroll:{experiment}:{user}` through ingest (a token that may write).',
      tags: ['assignment'],
      parameters: [
        experimentId,
        userId,
        {
          name: 'enroll',
          in: 'query',
          required: false,
          schema: { type: 'boolean', default: false },
          description: 'Record the exposure (once per user: repeats are duplicates).',
        },
      ],
      responses: {
        '200': json('Assignment', 'The assignment.'),
        '400': error('A bad experiment id, user id or `enroll`.'),
        ...guarded,
        '403': error('`enroll=true` with a token that may only read.'),
        '404': notFound,
        '409': error('The experiment declares no variants.'),
      },
    },
  },
  '/v1/assignments/bulk': {
    post: {
      summary: 'Many assignments at once',
      description:
        '`{"experiment_id", "user_ids": [...]}` (up to 10,000) or `{"user_id", "experiment_ids": [...]}` (up to 1,000), with `"enroll": true` to record the exposures. Answers in input order.',
      tags: ['assignment'],
      requestBody: input('BulkAssignmentRequest'),
      responses: {
        '200': json('AssignmentList', 'One assignment per input, in order.'),
        ...jsonBodyErrors('16 MiB'),
        ...guarded,
        '403': error('`enroll: true` with a token that may only read.'),
        '404': error('Unknown experiment(s), named.'),
        '409': error('An experiment declares no variants.'),
      },
    },
  },
  '/v1/events': {
    post: {
      summary: 'Send one event as it happens',
      description:
        "Checked by the events contract, validated and deduplicated like an uploaded row. `timestamp` defaults to now; without `variant`, the user's assignment is used.",
      tags: ['ingest'],
      parameters: [idempotencyKey],
      requestBody: input('LiveEvent'),
      responses: eventAnswers,
    },
  },
  '/v1/events/batch': {
    post: {
      summary: 'Send events as they happen (up to 10,000)',
      description: 'One batch per request: event N is line N of its row errors.',
      tags: ['ingest'],
      parameters: [idempotencyKey],
      requestBody: input('EventBatch'),
      responses: eventAnswers,
    },
  },
  '/v1/definitions': {
    post: {
      summary: 'Upload a definition file',
      description:
        'YAML or JSON, with the effect of a file under `definitions/`: a new experiment is created in the status the file names (`running` when none), an existing one changed under the same checks as the API (a status that differs is a move of the lifecycle). A file of `experiments: [...]` is applied in one transaction, every experiment or none (the first refusal answers), and answers `{"experiments": [...]}`, an outcome per experiment in file order.',
      tags: ['experiments'],
      requestBody: {
        required: true,
        content: Object.fromEntries(
          ['application/yaml', 'application/json', 'text/plain'].map((type) => [
            type,
            { schema: { type: 'string' } },
          ]),
        ),
      },
      responses: {
        '201': json('DefinitionOutcome', 'A new experiment (of a list: every one new).'),
        '200': json(
          'DefinitionOutcome',
          'An experiment changed, or unchanged (of a list: not every one new).',
        ),
        '400': error('Empty, or not YAML or JSON.'),
        '409': error('An illegal move of the lifecycle, or a frozen field changed.'),
        '413': error('Larger than 1 MiB.'),
        '415': error('Not YAML, JSON or text.'),
        '422': unprocessable,
        ...writeGuarded,
      },
    },
  },
  '/metrics': {
    get: {
      summary: 'Metrics for Prometheus',
      description:
        'The text exposition format: `abtest_http_requests_total` (route, method, status), `abtest_http_request_duration_seconds`, `abtest_assignments_total`, `abtest_batches_total` (status), `abtest_bus_pending_messages`, `abtest_bus_dead_lettered_messages`, and the process metrics.',
      tags: ['service'],
      responses: { '200': file('text/plain', 'The metrics.'), ...guarded },
    },
  },
};
