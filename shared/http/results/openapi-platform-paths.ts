/**
 * The OpenAPI paths and schemas of direct uploads (`POST /v1/uploads`, the one-time `PUT
 * /v1/uploads/{ticket}`) and of an analysis's charts; merged into the document by openapi.ts.
 */
import { uploadRequestSchema, uploadUrlSchema } from '../uploads/upload-handlers.ts';
import {
  analysisId,
  badId,
  body,
  bodyErrors,
  error,
  experimentId,
  file,
  guarded,
  json,
  writeGuarded,
} from './openapi-fragments.ts';
import type { OpenApiOperation } from './openapi.ts';

/** Response schemas of these paths. */
export const platformComponentSchemas = { UploadUrl: uploadUrlSchema } as const;

/** Request schemas of these paths. */
export const platformRequestSchemas = { UploadRequest: uploadRequestSchema } as const;

/** The paths. */
export const openApiPlatformPaths: Readonly<
  Record<string, Readonly<Record<string, OpenApiOperation>>>
> = {
  '/v1/uploads': {
    post: {
      summary: 'Get a URL to upload a file to directly',
      description:
        "For files bigger than a request to the API can hold. On Cloud Storage a V4 signed URL for a `PUT` into the raw bucket's `uploads/` (send the same `Content-Type`); with `abtest serve` a one-time path on this server. Either way the file then runs through the chain like any upload. Valid for ABTEST_UPLOAD_URL_TTL_SECONDS (900 s by default).",
      tags: ['ingest'],
      requestBody: body('UploadRequest'),
      responses: {
        '201': json('UploadUrl', 'Where to PUT the file, the object it becomes, and until when.'),
        ...bodyErrors,
        '415': error(
          'The file name does not end in a format abtest reads, or the body is not JSON.',
        ),
        ...writeGuarded,
      },
    },
  },
  '/v1/uploads/{ticket}': {
    put: {
      summary: 'Upload a file through a one-time URL',
      description:
        'The URL `POST /v1/uploads` gave (`abtest serve`): the URL is the credential, so no token. It works once, before it expires; a transfer that fails may be tried again.',
      tags: ['ingest'],
      security: [],
      parameters: [
        {
          name: 'ticket',
          in: 'path',
          required: true,
          description: 'The one-time secret.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
        },
      ],
      requestBody: {
        required: true,
        content: {
          '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
        },
      },
      responses: {
        '201': {
          description: 'Stored; the chain takes it from here.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['object', 'bytes', 'sha256'],
                properties: {
                  object: { type: 'string' },
                  bytes: { type: 'integer' },
                  sha256: { type: 'string' },
                },
              },
            },
          },
        },
        '404': error('Unknown, used or expired.'),
        '409': error('The object exists already.'),
        '413': error('Larger than ABTEST_DIRECT_UPLOAD_MAX_BYTES.'),
      },
    },
  },
  '/v1/experiments/{experiment_id}/analyses/{analysis_id}/plots/{name}': {
    get: {
      summary: 'Download a chart of an analysis',
      description:
        'An SVG the report wrote (listed in `plots` of `GET /v1/analytics/results/{experiment_id}`). On Cloud Storage answers 302 to a signed URL valid for 5 minutes.',
      tags: ['analytics'],
      parameters: [
        experimentId,
        analysisId,
        {
          name: 'name',
          in: 'path',
          required: true,
          description: 'The chart, e.g. `forest-conversion.svg`.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}\\.svg$' },
        },
      ],
      responses: {
        '200': file('image/svg+xml', 'The chart.'),
        '302': {
          description: 'A signed URL to download from.',
          headers: { Location: { schema: { type: 'string' } } },
        },
        '400': badId,
        ...guarded,
        '404': error('Unknown experiment, analysis or chart.'),
      },
    },
  },
};
