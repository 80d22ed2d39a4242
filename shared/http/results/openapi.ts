/**
 * The OpenAPI 3.1 document of the results API, generated in code: the component schemas come
 * from the zod schemas the handlers use (`z.toJSONSchema`, JSON Schema 2020-12, as OpenAPI 3.1
 * expects), the paths from the table in openapi-paths.ts. Served at `/openapi.json` and
 * rendered at `/docs`.
 */
import { z } from 'zod';
import { componentSchemas } from './api-schemas.ts';
import { experimentComponentSchemas, requestComponentSchemas } from './experiment-api-schemas.ts';
import { openApiExperimentPaths } from './openapi-experiment-paths.ts';
import { openApiPaths } from './openapi-paths.ts';
import {
  openApiPlatformPaths,
  platformComponentSchemas,
  platformRequestSchemas,
} from './openapi-platform-paths.ts';
import { liveComponentSchemas, liveRequestSchemas } from '../live/live-api-schemas.ts';
import { openApiLivePaths } from '../live/openapi-live-paths.ts';

/** An OpenAPI document, as plain JSON. */
export type OpenApiDocument = Readonly<Record<string, unknown>> & {
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, unknown>> } & Readonly<
    Record<string, unknown>
  >;
};

/** An operation of the document, as far as the docs page reads it. */
export interface OpenApiOperation {
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly security?: readonly unknown[];
  readonly parameters?: readonly unknown[];
  readonly requestBody?: unknown;
  readonly responses: Readonly<Record<string, unknown>>;
}

const description = `abtest, the automated A/B experiment analysis service: experiments defined,
run through their lifecycle and assigned over the API, events sent as they happen or uploaded,
the analyses (the result document), model predictions, report downloads, asynchronous
re-analysis and training jobs, webhooks and metrics.

Authentication: every endpoint but \`/healthz\`, \`/openapi.json\` and \`/docs\` needs
\`Authorization: Bearer <token>\`. \`ABTEST_API_TOKEN\` and the named tokens of
\`ABTEST_API_TOKENS\` (\`name:token\` pairs) may read and write; the optional
\`ABTEST_API_READ_TOKEN\` may only read (a write answers 403). Without a token, or with a wrong
one, the answer is 401 with \`WWW-Authenticate: Bearer\`. With \`ABTEST_AUTH=iam\` Cloud Run IAM
guards the service and no token is checked. Each token is rate limited
(\`ABTEST_RATE_LIMIT_REQUESTS\` per \`ABTEST_RATE_LIMIT_PERIOD_SECONDS\`, per instance): over it,
429 with \`Retry-After\` in whole seconds.

Errors are JSON: \`{"error": "..."}\`. An id that cannot be valid answers 400, an unknown one 404;
an unknown path 404, a known path with another method 405; a request body over its limit 413
(64 KiB unless the route says otherwise). A body of the wrong shape answers 422 with \`path\`
(the field at fault, e.g. \`variants.1.weight\`) and \`issues\` (every one); a move the lifecycle
forbids answers 409 with \`allowed\` (the states the experiment may move to).

Webhook deliveries are signed: \`X-Abtest-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
"<t>.<raw body>")>\`, with \`X-Abtest-Event\` and \`X-Abtest-Delivery\` (the same on every retry:
deduplicate on it).`;

let built: OpenApiDocument | undefined;

/**
 * The OpenAPI document (built once per process).
 * @returns the document
 * @example openApiDocument().paths['/v1/experiments']
 */
export function openApiDocument(): OpenApiDocument {
  built ??= {
    openapi: '3.1.0',
    info: { title: 'abtest results API', version: '1.0.0', description },
    servers: [{ url: '/', description: 'this service' }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'ingest', description: 'Event uploads.' },
      {
        name: 'experiments',
        description: 'Experiments: definitions, lifecycle, audit log, analyses and reports.',
      },
      { name: 'assignment', description: 'Which variant a user gets, and enrollment.' },
      { name: 'analytics', description: 'Statistics, predictions and asynchronous jobs.' },
      { name: 'webhooks', description: 'Signed notifications of new analyses and reports.' },
      { name: 'live', description: 'Streaming posteriors, time windows and the event stream.' },
      { name: 'alerts', description: 'Alerts, acknowledged and resolved by people.' },
      { name: 'service', description: 'Health and this documentation.' },
    ],
    paths: mergePaths(openApiPaths, openApiExperimentPaths, openApiPlatformPaths, openApiLivePaths),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'ABTEST_API_TOKEN or a named token of ABTEST_API_TOKENS (read and write), or ABTEST_API_READ_TOKEN (read only).',
        },
      },
      schemas: {
        ...componentJsonSchemas(
          {
            ...componentSchemas,
            ...experimentComponentSchemas,
            ...platformComponentSchemas,
            ...liveComponentSchemas,
          },
          'output',
        ),
        ...componentJsonSchemas(
          { ...requestComponentSchemas, ...platformRequestSchemas, ...liveRequestSchemas },
          'input',
        ),
      },
    },
  };
  return built;
}

/** Joins two path tables; a path in both holds the operations of both. */
function mergePaths(
  ...tables: readonly Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>[]
): Record<string, Record<string, OpenApiOperation>> {
  const merged: Record<string, Record<string, OpenApiOperation>> = {};
  for (const table of tables) {
    for (const [path, operations] of Object.entries(table)) {
      merged[path] = { ...merged[path], ...operations };
    }
  }
  return merged;
}

/**
 * Zod schemas as JSON Schemas, referring to each other through `#/components/schemas/`:
 * responses as output (a field with a default is always there), requests as input.
 */
function componentJsonSchemas(
  components: Readonly<Record<string, z.ZodType>>,
  io: 'input' | 'output',
): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
    io,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
}
