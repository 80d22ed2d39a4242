/**
 * The OpenAPI 3.1 document of the results API, generated in code: the component schemas come
 * from the zod schemas the handlers use (`z.toJSONSchema`, JSON Schema 2020-12, as OpenAPI 3.1
 * expects), the paths from the table in openapi-paths.ts. Served at `/openapi.json` and
 * rendered at `/docs`.
 */
import { z } from 'zod';
import { componentSchemas } from './api-schemas.ts';
import { openApiPaths } from './openapi-paths.ts';

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

const description = `Results of abtest, the automated A/B experiment analysis service: experiments,
their analyses (the result document), model predictions, report downloads, asynchronous
re-analysis and training jobs, and webhooks.

Authentication: every endpoint but \`/healthz\`, \`/openapi.json\` and \`/docs\` needs
\`Authorization: Bearer <token>\`. \`ABTEST_API_TOKEN\` may read and write; the optional
\`ABTEST_API_READ_TOKEN\` may only read (a write answers 403). Without a token, or with a wrong
one, the answer is 401 with \`WWW-Authenticate: Bearer\`. With \`ABTEST_AUTH=iam\` Cloud Run IAM
guards the service and no token is checked.

Errors are JSON: \`{"error": "..."}\`. An id that cannot be valid answers 400, an unknown one 404;
an unknown path 404, a known path with another method 405; a request body over 64 KiB 413.

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
      { name: 'experiments', description: 'Experiments, their analyses and reports.' },
      { name: 'analytics', description: 'Statistics, predictions and asynchronous jobs.' },
      { name: 'webhooks', description: 'Signed notifications of new analyses and reports.' },
      { name: 'service', description: 'Health and this documentation.' },
    ],
    paths: openApiPaths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'ABTEST_API_TOKEN (read and write) or ABTEST_API_READ_TOKEN (read only).',
        },
      },
      schemas: componentJsonSchemas(),
    },
  };
  return built;
}

/** The zod schemas as JSON Schemas, referring to each other through `#/components/schemas/`. */
function componentJsonSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(componentSchemas)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
}
