/**
 * The live API's reads and alert moves: `GET /v1/experiments/{experiment_id}/snapshots`,
 * `GET /v1/experiments/{experiment_id}/windows`, `GET /v1/alerts`, and
 * `POST /v1/alerts/{alert_id}/acknowledge` and `/resolve`. Everything is read from the
 * database, so any instance answers the same.
 */
import { z } from 'zod';
import { ValidationError } from '../../errors/errors.ts';
import {
  alertSeverities,
  alertStatuses,
  type AlertAction,
  type AlertSeverity,
  type AlertStatus,
} from '../../live/alert-rules.ts';
import { parseInstant, parseWindowSize } from '../../live/time-windows.ts';
import { alertView, listAlerts, moveAlert } from '../../store/alert-records.ts';
import { readSnapshots, readWindows } from '../../store/live-records.ts';
import { sendJson } from '../http-json.ts';
import { requestedExperiment } from '../results/experiment-context.ts';
import { checkedBody, mediaType, readBodyText, readJsonBody } from '../results/json-body.ts';
import { encodeCursor, pageCursor, pageLimit } from '../results/paging.ts';
import { checkedId } from '../results/path-ids.ts';
import type { RouteContext } from '../route.ts';
import { alertMoveSchema } from './live-api-schemas.ts';

/**
 * `GET /v1/experiments/{experiment_id}/snapshots?latest=true|from=&to=`: the latest tick's rows,
 * or every tick's in a range (both ends optional, inclusive), oldest first.
 * @param context - the request
 * @example await getSnapshots(context)
 */
export async function getSnapshots(context: RouteContext): Promise<void> {
  const state = await requestedExperiment(context);
  const latest = context.query.get('latest');
  if (latest !== null && latest !== 'true' && latest !== 'false') {
    throw new ValidationError('latest must be true or false', 400);
  }
  const fromMs = parseInstant('from', context.query.get('from'));
  const toMs = parseInstant('to', context.query.get('to'));
  const snapshots = await readSnapshots(context.deps.db, state.experiment_id, {
    latest: latest === 'true',
    fromMs,
    toMs,
  });
  sendJson(context.res, 200, { snapshots });
}

/**
 * `GET /v1/experiments/{experiment_id}/windows?window=1m|5m|15m|1h|1d&from=&to=&event_type=`:
 * the rollups of one window size (starts within the range), oldest first, not paged.
 * @param context - the request
 * @example await getWindows(context)
 */
export async function getWindows(context: RouteContext): Promise<void> {
  const state = await requestedExperiment(context);
  const window = parseWindowSize(context.query.get('window'));
  const eventType = context.query.get('event_type');
  const windows = await readWindows(context.deps.db, state.experiment_id, {
    window,
    fromMs: parseInstant('from', context.query.get('from')),
    toMs: parseInstant('to', context.query.get('to')),
    eventType: eventType === null || eventType === '' ? undefined : eventType,
  });
  sendJson(context.res, 200, { windows });
}

const alertCursor = z.object({ opened_at: z.string(), alert_id: z.string() });

/**
 * `GET /v1/alerts?status=&experiment_id=&severity=&limit=&cursor=`: newest first, paged.
 * @param context - the request
 * @example await getAlerts(context)
 */
export async function getAlerts(context: RouteContext): Promise<void> {
  const status = oneOf('status', context.query.get('status'), alertStatuses) as
    | AlertStatus
    | undefined;
  const severity = oneOf('severity', context.query.get('severity'), alertSeverities) as
    | AlertSeverity
    | undefined;
  const experiment = context.query.get('experiment_id');
  const experimentId =
    experiment === null || experiment === '' ? undefined : checkedId('experiment', experiment);
  const limit = pageLimit(context.query);
  const after = pageCursor(context.query, alertCursor);
  const alerts = await listAlerts(
    context.deps.db,
    { status, severity, experimentId, after },
    limit + 1,
  );
  const page = alerts.slice(0, limit);
  const last = page.at(-1);
  sendJson(context.res, 200, {
    alerts: page.map(alertView),
    next_cursor:
      alerts.length > limit && last !== undefined
        ? encodeCursor({
            opened_at: new Date(last.opened_at).toISOString(),
            alert_id: last.alert_id,
          })
        : null,
  });
}

/**
 * `POST /v1/alerts/{alert_id}/acknowledge` or `/resolve` with an optional `{"note": "..."}`:
 * 200 with the alert; 404 unknown; 409 when its state forbids the move.
 * @param action - the move
 * @returns the handler
 * @example moveAlertRoute('resolve')
 */
export function moveAlertRoute(action: AlertAction) {
  return async (context: RouteContext): Promise<void> => {
    const alertId = checkedId('alert', context.params.alert_id);
    const request = checkedBody(alertMoveSchema, await optionalJsonBody(context));
    const alert = await moveAlert(
      context.deps.db,
      context.deps.config,
      alertId,
      action,
      context.caller.tokenName,
      request.note ?? null,
    );
    context.logger.info(`alert ${action}d`, {
      alert_id: alertId,
      experiment_id: alert.experiment_id,
    });
    sendJson(context.res, 200, alertView(alert));
  };
}

/** The JSON body, or `{}` when the request has none. */
async function optionalJsonBody(context: RouteContext): Promise<unknown> {
  if (mediaType(context.req) === '') {
    const text = await readBodyText(context.req, 1024);
    if (text.trim() !== '') {
      throw new ValidationError('send the body as application/json, or no body', 415);
    }
    return {};
  }
  return readJsonBody(context.req);
}

function oneOf(name: string, value: string | null, allowed: readonly string[]): string | undefined {
  if (value === null || value === '') return undefined;
  if (!allowed.includes(value)) {
    throw new ValidationError(`${name} must be one of ${allowed.join(', ')}`, 400);
  }
  return value;
}
