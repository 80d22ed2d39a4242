/**
 * The `paths` of the OpenAPI document: one entry per route of results-routes.ts (a test holds
 * the two to each other), with parameters, bodies and every status a route can answer.
 */
import {
  badId,
  batchId,
  body,
  bodyErrors,
  cursor,
  error,
  experimentId,
  file,
  guarded,
  jobId,
  json,
  limit,
  notFound,
  ref,
  reportDownload,
  webhookId,
  writeGuarded,
} from './openapi-fragments.ts';
import type { OpenApiOperation } from './openapi.ts';

/** A file rejected whole (with its batch), or a request refused before any batch existed. */
const rejection = (description: string) => ({
  description,
  content: {
    'application/json': { schema: { anyOf: [ref('IngestRejection'), ref('Error')] } },
  },
});

/** Every path and operation of the results API. */
export const openApiPaths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>> = {
  '/': {
    get: {
      summary: 'The web dashboard',
      description:
        'A self-contained HTML page (inline script and style admitted by their hashes in its Content-Security-Policy, nothing loaded from elsewhere) holding no data: it asks for the bearer token and reads everything from this API on the same origin. Experiments, verdicts, metrics with forest plots, model effects, history, report downloads, re-runs and uploads (when `POST /v1/ingest/events` is on the same origin, as under `abtest serve`).',
      tags: ['service'],
      security: [],
      responses: { '200': file('text/html', 'The dashboard page.') },
    },
  },
  '/healthz': {
    get: {
      summary: 'Liveness',
      tags: ['service'],
      security: [],
      responses: { '200': json('Health', 'The service is up.') },
    },
  },
  '/readyz': {
    get: {
      summary: 'Readiness',
      description:
        'Whether this instance can do its work: the database answers (within 3 s) and every migration is applied. `/healthz` says only that the process runs.',
      tags: ['service'],
      security: [],
      responses: {
        '200': json('Readiness', 'Ready.'),
        '503': {
          description: 'Not ready; the reason names no host. Retry after `Retry-After` seconds.',
          headers: {
            'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } },
          },
          content: { 'application/json': { schema: ref('Readiness') } },
        },
      },
    },
  },
  '/openapi.json': {
    get: {
      summary: 'This OpenAPI document',
      tags: ['service'],
      security: [],
      responses: {
        '200': {
          description: 'The document.',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    },
  },
  '/docs': {
    get: {
      summary: 'This documentation as a web page',
      tags: ['service'],
      security: [],
      responses: { '200': file('text/html', 'A self-contained HTML page.') },
    },
  },
  '/v1/experiments': {
    get: {
      summary: 'List experiments',
      description: 'In id order, with the latest analysis of each.',
      tags: ['experiments'],
      parameters: [limit, cursor],
      responses: {
        '200': json('ExperimentPage', 'A page of experiments.'),
        '400': error('A bad `limit` or `cursor`.'),
        ...guarded,
      },
    },
  },
  '/v1/experiments/{experiment_id}': {
    get: {
      summary: 'An experiment',
      tags: ['experiments'],
      parameters: [experimentId],
      responses: {
        '200': json('Experiment', 'The experiment.'),
        '400': badId,
        ...guarded,
        '404': notFound,
      },
    },
  },
  '/v1/experiments/{experiment_id}/summary': {
    get: {
      summary: 'The result document of the latest analysis',
      description:
        "The `experiments[i]` object `abtest run --json` prints (statistics, models), with `report` holding this API's download paths rather than where the files are kept.",
      tags: ['experiments'],
      parameters: [experimentId],
      responses: {
        '200': json('ExperimentResult', 'The experiment object.'),
        '400': badId,
        ...guarded,
        '404': error('Unknown experiment, or no analysis yet.'),
      },
    },
  },
  '/v1/experiments/{experiment_id}/results': {
    get: {
      summary: 'Results by day, with the confidence sequence',
      description:
        'For each UTC day from the first exposure to the last counted event, every comparison as of the end of that day (users exposed by then, their events up to then): the difference with its fixed-horizon interval, the relative lift, the p-value, and the confidence sequence and always-valid p-value over the days so far. `granularity=day` is the only granularity (and the default). With the plan: planned users, the MDE the current sample detects, the days left.',
      tags: ['experiments'],
      parameters: [
        experimentId,
        {
          name: 'granularity',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: ['day'] },
          description: 'The only granularity: `day`.',
        },
      ],
      responses: {
        '200': json('ResultsByDay', 'The results by day.'),
        '400': error('A malformed experiment id, or a granularity other than `day`.'),
        ...guarded,
        '404': error('Unknown experiment, or no analysis yet.'),
      },
    },
  },
  '/v1/experiments/{experiment_id}/analyses': {
    get: {
      summary: 'Analysis history',
      description:
        'Analyses newest first, each with every run that produced or re-found it (`unchanged`: a rerun without new data).',
      tags: ['experiments'],
      parameters: [experimentId, limit, cursor],
      responses: {
        '200': json('AnalysisHistory', 'A page of analyses.'),
        '400': error('A bad id, `limit` or `cursor`.'),
        ...guarded,
        '404': notFound,
      },
    },
  },
  '/v1/experiments/{experiment_id}/reports/{analysis_id}.pdf': { get: reportDownload('pdf') },
  '/v1/experiments/{experiment_id}/reports/{analysis_id}.csv': { get: reportDownload('csv') },
  '/v1/experiments/{experiment_id}/report': {
    get: {
      summary: 'Download the report of the latest analysis',
      tags: ['experiments'],
      parameters: [
        experimentId,
        {
          name: 'format',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: ['pdf', 'csv'], default: 'pdf' },
        },
      ],
      responses: {
        '200': {
          description: 'The report.',
          content: {
            'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } },
            'text/csv': { schema: { type: 'string', contentMediaType: 'text/csv' } },
          },
        },
        '302': {
          description: 'A signed URL to download from.',
          headers: { Location: { schema: { type: 'string' } } },
        },
        '400': error('A bad id or format.'),
        ...guarded,
        '404': error('Unknown experiment, no analysis, or no report yet.'),
      },
    },
  },
  '/v1/analytics/results/{experiment_id}': {
    get: {
      summary: 'Statistics of the latest analysis',
      description:
        'Per metric: variants with means and intervals; comparisons with p-values (raw and Benjamini-Hochberg adjusted), differences and relative lifts with intervals; links to the reports; `plots`, its charts as SVG (`image/svg+xml`) with their download URLs.',
      tags: ['analytics'],
      parameters: [experimentId],
      responses: {
        '200': json('AnalyticsResults', 'The statistics.'),
        '400': badId,
        ...guarded,
        '404': error('Unknown experiment, or no analysis yet.'),
      },
    },
  },
  '/v1/model/predictions/{experiment_id}': {
    get: {
      summary: 'Model-predicted effects of the latest analysis',
      description:
        'Per treatment: the regression-adjusted conversion-rate and revenue deltas with intervals, and the relative lift against the control mean.',
      tags: ['analytics'],
      parameters: [experimentId],
      responses: {
        '200': json('Predictions', 'The predictions.'),
        '400': badId,
        ...guarded,
        '404': error('Unknown experiment, no analysis, or no models yet.'),
      },
    },
  },
  '/v1/ingest/events': {
    post: {
      summary: 'Upload events',
      description:
        'An events file as the body (CSV, NDJSON, a JSON array or Parquet, by Content-Type) or as the one file part of `multipart/form-data` (named `file`; parts without a file name are fields, a second file is a 400). Past 8 MiB streamed to disk, never buffered whole; past ABTEST_MAX_UPLOAD_BYTES a 413 at once, the connection closed. The same content, or the same `Idempotency-Key`, is the same batch. Validation runs asynchronously; poll the experiment or take the webhooks.',
      tags: ['ingest'],
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          schema: { type: 'string', maxLength: 200 },
          description:
            'The same key with the same content answers the existing batch; with other content, 422.',
        },
      ],
      requestBody: {
        required: true,
        content: Object.fromEntries(
          [
            'text/csv',
            'application/x-ndjson',
            'application/json',
            'application/vnd.apache.parquet',
            'multipart/form-data',
          ].map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
        ),
      },
      responses: {
        '202': json('IngestBatch', 'A new batch, stored and queued for validation.'),
        '200': json(
          'IngestBatch',
          'The batch this content (or key) already is, whatever its state.',
        ),
        '400': rejection(
          'A file error (empty, not UTF-8, broken JSON...), or a malformed request.',
        ),
        '413': error('Larger than ABTEST_MAX_UPLOAD_BYTES.'),
        '415': error('A Content-Type abtest does not read.'),
        '422': rejection(
          'A file error (a required column missing), or an Idempotency-Key reused for other content.',
        ),
        ...writeGuarded,
        '503': error(
          'No API token is configured, or the database is unavailable: nothing was stored; send it again after `Retry-After` seconds.',
        ),
        '507': error(
          'No space left in the blob store: nothing was stored; send it again once there is room (`Retry-After`).',
        ),
      },
    },
  },
  '/v1/batches/{batch_id}': {
    get: {
      summary: "An upload's batch: its status and counts",
      description:
        'Poll after an upload until `status` is `validated` (or `rejected`, with `error_message`).',
      tags: ['ingest'],
      parameters: [batchId],
      responses: {
        '200': json('BatchStatus', 'The batch.'),
        '400': badId,
        ...guarded,
        '404': error('Unknown batch.'),
      },
    },
  },
  '/v1/analytics/run': {
    post: {
      summary: 'Re-analyse an experiment (asynchronous)',
      description:
        'Queues a job and an `abtest.rerun` message; a rerun without new data is recorded as `unchanged`. With `metrics` and `ci`, only those metrics at alpha = 1 - ci: recorded as its own analysis, which becomes the latest (summary and results) until the next one.',
      tags: ['analytics'],
      requestBody: body('AnalysisRunRequest'),
      responses: {
        '202': json('JobAccepted', 'Queued; follow `links.job`.'),
        ...bodyErrors,
        ...writeGuarded,
        '404': error('Unknown experiment.'),
      },
    },
  },
  '/v1/plan': {
    post: {
      summary: 'Plan an experiment: sample size or MDE',
      description:
        'The users per arm and in total to detect a relative MDE (`mde`), or the relative MDE of a total sample (`users`); binomial (`baseline`) or continuous (`mean`, `sd`) metrics; `arms` arms tested at alpha / (arms - 1) (Bonferroni over the treatments); `ratio` treatment users per control user; with `daily_users`, the days needed. Stores nothing.',
      tags: ['analytics'],
      requestBody: body('PlanRequest'),
      responses: {
        '200': json('Plan', 'The plan.'),
        ...bodyErrors,
        '422': error('A field is missing or out of range (the message names it).'),
        ...guarded,
      },
    },
  },
  '/v1/model/train': {
    post: {
      summary: 'Train a model on the latest analysis (asynchronous)',
      description:
        "With `target`, fits exactly that metric on exactly `features` (the job's result is a TrainingResult: `{model_id, metrics, artifact_uri, features}`); without, trains every metric's model again. 400 names an unknown target or feature.",
      tags: ['analytics'],
      requestBody: body('TrainRequest'),
      responses: {
        '202': json('JobAccepted', 'Queued; follow `links.job`.'),
        ...bodyErrors,
        ...writeGuarded,
        '404': error('Unknown experiment, or no analysis to train on.'),
      },
    },
  },
  '/v1/jobs/{job_id}': {
    get: {
      summary: 'A job and its progress',
      tags: ['analytics'],
      parameters: [jobId],
      responses: {
        '200': json('Job', 'The job.'),
        '400': badId,
        ...guarded,
        '404': error('Unknown job.'),
      },
    },
  },
  '/v1/webhooks': {
    get: {
      summary: 'List webhooks',
      description:
        'Configured ones (`ABTEST_WEBHOOK_URLS`) first, then registered ones; URLs redacted to scheme, host and a hint.',
      tags: ['webhooks'],
      responses: { '200': json('WebhookList', 'The webhooks in force.'), ...guarded },
    },
    post: {
      summary: 'Register a webhook',
      description:
        'For one experiment or all; on `analysis.completed`, `report.ready`, `alert.opened` and/or `alert.updated` (every event when `events` is left out). The answer holds the signing secret, shown only once. A URL pointing at the cloud metadata server (169.254.169.254 in any notation, fd00:ec2::254, metadata.google.internal) or a link-local, multicast or reserved address is a 400, and so is a loopback or private one unless ABTEST_WEBHOOK_ALLOW_PRIVATE=true; a host name is checked against every address it resolves to at each delivery.',
      tags: ['webhooks'],
      requestBody: body('WebhookRequest'),
      responses: {
        '201': json('WebhookCreated', 'Registered.'),
        ...bodyErrors,
        ...writeGuarded,
      },
    },
  },
  '/v1/webhooks/{webhook_id}': {
    delete: {
      summary: 'Delete a webhook',
      description: 'No more deliveries; the history stays readable.',
      tags: ['webhooks'],
      parameters: [webhookId],
      responses: {
        '204': { description: 'Deleted.' },
        '400': badId,
        ...writeGuarded,
        '404': error('Unknown or already deleted webhook.'),
        '409': error('A configured webhook: remove it from ABTEST_WEBHOOK_URLS.'),
      },
    },
  },
  '/v1/webhooks/{webhook_id}/deliveries': {
    get: {
      summary: 'Delivery history of a webhook',
      description: 'Newest first, each with every attempt.',
      tags: ['webhooks'],
      parameters: [webhookId, limit],
      responses: {
        '200': json('DeliveryList', 'The deliveries.'),
        '400': error('A bad id or `limit`.'),
        ...guarded,
        '404': error('Unknown webhook.'),
      },
    },
  },
};
