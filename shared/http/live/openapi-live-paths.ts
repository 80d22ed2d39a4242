/**
 * The OpenAPI paths of the live layer: one entry per route of live-routes.ts.
 */
import { alertKinds, alertSeverities, alertStatuses } from '../../live/alert-rules.ts';
import { windowSizeNames } from '../../live/time-windows.ts';
import { alertIdPattern } from '../../store/alert-records.ts';
import {
  badId,
  cursor,
  error,
  experimentId,
  guarded,
  json,
  limit,
  notFound,
  pathParameter,
  ref,
  writeGuarded,
} from '../results/openapi-fragments.ts';
import type { OpenApiOperation } from '../results/openapi.ts';

const query = (name: string, description: string, schema: Record<string, unknown>) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

const instant = (name: string, what: string) =>
  query(name, `${what}: ISO-8601 with an offset, or epoch milliseconds (inclusive).`, {
    type: 'string',
  });

const alertId = pathParameter('alert_id', alertIdPattern, 'An alert: `al_` + 24 hex.');

const alertMove = (action: 'acknowledge' | 'resolve'): OpenApiOperation => ({
  summary: action === 'acknowledge' ? 'Acknowledge an alert' : 'Resolve an alert',
  description:
    action === 'acknowledge'
      ? 'open -> acknowledged. Keeps who (the token name), when and the note. Any other move is 409.'
      : 'open or acknowledged -> resolved. Keeps who, when and the note; a later signal of the same kind opens a new alert. Resolving a resolved alert is 409.',
  tags: ['alerts'],
  parameters: [alertId],
  requestBody: {
    required: false,
    content: { 'application/json': { schema: ref('AlertMove') } },
  },
  responses: {
    '200': json('Alert', 'The alert after the move.'),
    '400': error('Not a valid alert id, or a body of another shape.'),
    ...writeGuarded,
    '404': error('Unknown alert.'),
    '409': error("The alert's state forbids the move (the message says which state it is in)."),
    '415': error('A body that is not application/json.'),
  },
});

/** Every path and operation of the live layer. */
export const openApiLivePaths: Readonly<
  Record<string, Readonly<Record<string, OpenApiOperation>>>
> = {
  '/v1/experiments/{experiment_id}/snapshots': {
    get: {
      summary: 'Posterior snapshots of the streaming monitor',
      description:
        "One row per variant per tick (`ABTEST_TICK_SECONDS`, or Cloud Scheduler), written by the `postgres` sink: the counts of exposed and converted users under the batch analysis's rules, the Beta(alpha, beta) posterior, P(beat control), expected loss, and the counts since the previous tick. `latest=true`: the latest tick only; else every tick in `from`..`to` (at most 10,000 rows).",
      tags: ['live'],
      parameters: [
        experimentId,
        query('latest', 'Only the latest tick.', { type: 'string', enum: ['true', 'false'] }),
        instant('from', 'The earliest tick'),
        instant('to', 'The latest tick'),
      ],
      responses: {
        '200': json('SnapshotList', 'The snapshots, by tick then variant.'),
        '400': error('A bad id, `latest`, `from` or `to`.'),
        ...guarded,
        '404': notFound,
      },
    },
  },
  '/v1/experiments/{experiment_id}/windows': {
    get: {
      summary: 'Time-window rollups',
      description:
        'Per window start (aligned on the epoch, UTC), variant and event type: the count of accepted, deduplicated events and the sum, avg, min and max of their `value` (null where no event has one). Kept as rollups updated per batch. Without `from` and `to`, every window of the experiment; not paged.',
      tags: ['live'],
      parameters: [
        experimentId,
        {
          ...query('window', 'The window size.', { type: 'string', enum: [...windowSizeNames] }),
          required: true,
        },
        instant('from', 'The earliest window start'),
        instant('to', 'The latest window start'),
        query('event_type', 'Only this event type.', { type: 'string' }),
      ],
      responses: {
        '200': json('WindowList', 'The windows, oldest first.'),
        '400': error('A bad id, window, `from` or `to`.'),
        ...guarded,
        '404': notFound,
      },
    },
  },
  '/v1/alerts': {
    get: {
      summary: 'List alerts',
      description: `Newest first, paged. Kinds: ${alertKinds.join(', ')} (severities in the README).`,
      tags: ['alerts'],
      parameters: [
        query('status', 'Only alerts in this state.', { type: 'string', enum: [...alertStatuses] }),
        query('experiment_id', 'Only this experiment.', { type: 'string' }),
        query('severity', 'Only this severity.', {
          type: 'string',
          enum: [...alertSeverities],
        }),
        limit,
        cursor,
      ],
      responses: {
        '200': json('AlertList', 'A page of alerts.'),
        '400': badId,
        ...guarded,
      },
    },
  },
  '/v1/alerts/{alert_id}/acknowledge': { post: alertMove('acknowledge') },
  '/v1/alerts/{alert_id}/resolve': { post: alertMove('resolve') },
  '/v1/stream': {
    get: {
      summary: 'Live events (Server-Sent Events)',
      description:
        'A `text/event-stream` of `batch.validated`, `analysis.completed`, `snapshot`, `alert.opened` and `alert.updated` events, each `data` a JSON object and each with an `id`: reconnect with `Last-Event-ID` to get what was missed (events are kept 7 days). Without it, only events from now on. A comment every 15 s keeps a quiet stream open. The bearer token goes in `Authorization` like every route (a browser reads the stream with `fetch`, not `EventSource`, so the token never appears in a URL or a log).',
      tags: ['live'],
      parameters: [
        query('experiment_id', 'Only events of this experiment.', { type: 'string' }),
        {
          name: 'Last-Event-ID',
          in: 'header',
          required: false,
          description: 'The id of the last event received.',
          schema: { type: 'string', pattern: '^[0-9]{1,15}$' },
        },
      ],
      responses: {
        '200': {
          description: 'The stream; it stays open until the client or the server closes it.',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        '400': error('A bad `experiment_id` or `Last-Event-ID`.'),
        ...guarded,
      },
    },
  },
};
