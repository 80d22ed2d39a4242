/**
 * The building blocks of the OpenAPI paths: references to component schemas, JSON and file
 * answers, the error answers every guarded route shares, and the path and query parameters.
 */
import {
  analysisIdPattern,
  batchIdPattern,
  experimentIdPattern,
} from '../../events/events-contract.ts';
import { webhookIdPattern } from '../../webhooks/webhook-records.ts';
import type { OpenApiOperation } from './openapi.ts';
import { defaultPageLimit, maxPageLimit } from './paging.ts';
import { jobIdPattern } from './path-ids.ts';

/** A reference to a component schema, e.g. `ref('Job')`. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** A JSON answer with a component schema. */
export const json = (name: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});
/** An error answer (`{"error": ...}`). */
export const error = (description: string) => json('Error', description);
/** A file answer of a media type (PDF, CSV, HTML). */
export const file = (mediaType: string, description: string) => ({
  description,
  content: { [mediaType]: { schema: { type: 'string', contentMediaType: mediaType } } },
});

/** The refusals of a route that needs a token. */
export const guarded = {
  '401': error('No bearer token, or a wrong one (`WWW-Authenticate: Bearer`).'),
  '429': {
    ...error('Over the rate limit of this token; `Retry-After` says in how many seconds to retry.'),
    headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } },
  },
  '503': error(
    'No API token is configured, or the database is unavailable for now (`Retry-After`).',
  ),
};
/** The refusals of a route that needs the full token. */
export const writeGuarded = {
  ...guarded,
  '403': error('The token may only read.'),
};
/** The 400 of an id that cannot be valid. */
export const badId = error('An id in the path (or the query) is not valid.');
/** The 404 of an unknown experiment. */
export const notFound = error('Unknown experiment, or nothing of the kind yet.');
/** A required JSON request body with a component schema. */
export const body = (name: string) => ({
  required: true,
  content: { 'application/json': { schema: ref(name) } },
});
/** The refusals of a request body. */
export const bodyErrors = {
  '400': error('The body is not valid JSON or not of the documented shape.'),
  '413': error('The body is larger than 64 KiB.'),
  '415': error('The body is not application/json.'),
};

/** A path parameter with the pattern its values must match. */
export const pathParameter = (name: string, pattern: RegExp, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', pattern: pattern.source },
});
/** The `experiment_id` path parameter. */
export const experimentId = pathParameter(
  'experiment_id',
  experimentIdPattern,
  'The experiment: 1-128 letters, digits, `.`, `_` or `-`, starting with a letter or digit.',
);
/** The `analysis_id` path parameter. */
export const analysisId = pathParameter(
  'analysis_id',
  analysisIdPattern,
  'An analysis: `an_` + 24 hex.',
);
/** The `job_id` path parameter. */
export const jobId = pathParameter('job_id', jobIdPattern, 'A job: `job_` + 24 hex.');

export const batchId = pathParameter(
  'batch_id',
  batchIdPattern,
  'A batch: `b_` + 24 hex of the SHA-256 of its content.',
);
/** The `webhook_id` path parameter. */
export const webhookId = pathParameter(
  'webhook_id',
  webhookIdPattern,
  'A webhook: `wh_` + 24 hex.',
);
/** The `limit` query parameter of paged lists. */
export const limit = {
  name: 'limit',
  in: 'query',
  required: false,
  description: `Items per page, 1-${maxPageLimit}.`,
  schema: { type: 'integer', minimum: 1, maximum: maxPageLimit, default: defaultPageLimit },
};
/** The `cursor` query parameter of paged lists. */
export const cursor = {
  name: 'cursor',
  in: 'query',
  required: false,
  description: 'The `next_cursor` of the previous page, unchanged.',
  schema: { type: 'string' },
};

/** The operation downloading one analysis's report in one format. */
export const reportDownload = (format: 'pdf' | 'csv'): OpenApiOperation => ({
  summary: `Download the ${format.toUpperCase()} report of an analysis`,
  description:
    'Streams the artifact; on Cloud Storage answers 302 to a signed URL valid for 5 minutes.',
  tags: ['experiments'],
  parameters: [experimentId, analysisId],
  responses: {
    '200': file(format === 'pdf' ? 'application/pdf' : 'text/csv', `The ${format} report.`),
    '302': {
      description: 'A signed URL to download from.',
      headers: { Location: { schema: { type: 'string' } } },
    },
    '400': badId,
    ...guarded,
    '404': error('Unknown experiment or analysis, or no report yet.'),
  },
});
