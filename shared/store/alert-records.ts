/**
 * The alerts table: one unresolved alert per (experiment, kind, metric). A signal raises a new
 * one (`alert.opened`) or repeats the unresolved one (`alert.updated`: count and last seen); a
 * person acknowledges and resolves it (`alert.updated`, with who, when and a note). Each change
 * goes, in its own transaction, to the live feed and to the webhooks' delivery queue.
 */
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../adapters/database/database.ts';
import type { Config } from '../config/load-config.ts';
import { ValidationError } from '../errors/errors.ts';
import {
  nextAlertStatus,
  type AlertAction,
  type AlertKind,
  type AlertSeverity,
  type AlertSignal,
  type AlertStatus,
} from '../live/alert-rules.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';
import { appendLiveEvent } from './live-feed.ts';

/** Alert ids: `al_` and 24 hexadecimal digits. */
export const alertIdPattern = /^al_[0-9a-f]{24}$/;

/** An alert as stored. */
export interface AlertRecord {
  readonly alert_id: string;
  readonly experiment_id: string;
  readonly kind: AlertKind;
  readonly metric: string;
  readonly severity: AlertSeverity;
  readonly status: AlertStatus;
  readonly message: string;
  readonly count: number;
  readonly revision: number;
  readonly details: Readonly<Record<string, unknown>>;
  readonly opened_at: Date;
  readonly last_seen_at: Date;
  readonly acknowledged_at: Date | null;
  readonly acknowledged_by: string | null;
  readonly acknowledged_note: string | null;
  readonly resolved_at: Date | null;
  readonly resolved_by: string | null;
  readonly resolved_note: string | null;
}

const columns = `alert_id, experiment_id, kind, metric, severity, status, message, count, revision,
  details, opened_at, last_seen_at, acknowledged_at, acknowledged_by, acknowledged_note,
  resolved_at, resolved_by, resolved_note`;

/**
 * Raises a signal: opens an alert, or repeats the unresolved one of the same (experiment, kind,
 * metric). The same source twice (a redelivered message) counts once.
 * @param tx - the transaction of the state that raised it
 * @param config - the settings (the webhooks of ABTEST_WEBHOOK_URLS)
 * @param experimentId - the experiment
 * @param signal - what was seen
 * @param sourceKey - what saw it (a batch, an analysis, a tick), unique per sighting
 * @param now - the time of the sighting
 * @returns the alert after the change, or undefined when this source was seen before
 * @example await raiseAlert(tx, config, 'exp1', signal, `srm:an_0123`, new Date())
 */
export async function raiseAlert(
  tx: Queryable,
  config: Config,
  experimentId: string,
  signal: AlertSignal,
  sourceKey: string,
  now: Date = new Date(),
): Promise<AlertRecord | undefined> {
  const key = `${signal.kind}:${experimentId}:${signal.metric}:${sourceKey}`;
  const fresh = await tx.query(
    'INSERT INTO alert_sources (source_key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1',
    [key],
  );
  if (fresh.rows.length === 0) return undefined;
  const repeated = await tx.query<AlertRecord>(
    `UPDATE alerts SET count = count + 1, revision = revision + 1, last_seen_at = $4,
       severity = $5, message = $6, details = $7
     WHERE experiment_id = $1 AND kind = $2 AND metric = $3 AND status <> 'resolved'
     RETURNING ${columns}`,
    [
      experimentId,
      signal.kind,
      signal.metric,
      now,
      signal.severity,
      signal.message,
      JSON.stringify(signal.details),
    ],
  );
  let alert = repeated.rows[0];
  if (alert === undefined) {
    const alertId = `al_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
    const opened = await tx.query<AlertRecord>(
      `INSERT INTO alerts (alert_id, experiment_id, kind, metric, severity, message, details,
         opened_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ${columns}`,
      [
        alertId,
        experimentId,
        signal.kind,
        signal.metric,
        signal.severity,
        signal.message,
        JSON.stringify(signal.details),
        now,
      ],
    );
    alert = opened.rows[0];
  }
  if (alert === undefined) throw new Error('alert not written');
  await announce(tx, config, alert, alert.revision === 1 ? 'alert.opened' : 'alert.updated', now);
  return alert;
}

/**
 * Acknowledges or resolves an alert.
 * @param db - the database
 * @param config - the settings
 * @param alertId - the alert
 * @param action - acknowledge or resolve
 * @param who - the caller's token name
 * @param note - why, as given (may be empty)
 * @returns the alert after the move
 * @throws {ValidationError} 404 for an unknown alert; 409 for a move its state forbids
 * @example await moveAlert(db, config, 'al_0123456789abcdef01234567', 'resolve', 'api', 'fixed')
 */
export async function moveAlert(
  db: Database,
  config: Config,
  alertId: string,
  action: AlertAction,
  who: string | null,
  note: string | null,
): Promise<AlertRecord> {
  return db.transaction(async (tx) => {
    const found = await tx.query<AlertRecord>(
      `SELECT ${columns} FROM alerts WHERE alert_id = $1 FOR UPDATE`,
      [alertId],
    );
    const alert = found.rows[0];
    if (alert === undefined) throw new ValidationError(`unknown alert ${alertId}`, 404);
    const next = nextAlertStatus(alert.status, action);
    if (next === null) {
      throw new ValidationError(
        `alert ${alertId} is ${alert.status}: it cannot be ${action}d`,
        409,
      );
    }
    const now = new Date();
    const prefix = action === 'acknowledge' ? 'acknowledged' : 'resolved';
    const moved = await tx.query<AlertRecord>(
      `UPDATE alerts SET status = $2, revision = revision + 1, ${prefix}_at = $3,
         ${prefix}_by = $4, ${prefix}_note = $5
       WHERE alert_id = $1 RETURNING ${columns}`,
      [alertId, next, now, who, note],
    );
    const updated = moved.rows[0];
    if (updated === undefined) throw new Error('alert not updated');
    await announce(tx, config, updated, 'alert.updated', now);
    return updated;
  });
}

/** Filters of the alert list. */
export interface AlertFilter {
  readonly status?: AlertStatus | undefined;
  readonly experimentId?: string | undefined;
  readonly severity?: AlertSeverity | undefined;
  /** The last item of the previous page: newest first by (opened_at, alert_id). */
  readonly after?: { readonly opened_at: string; readonly alert_id: string } | undefined;
}

/**
 * Lists alerts, newest first.
 * @param db - the database
 * @param filter - status, experiment, severity and the page's start
 * @param limit - at most this many
 * @returns the alerts
 * @example await listAlerts(db, { status: 'open' }, 20)
 */
export async function listAlerts(
  db: Queryable,
  filter: AlertFilter,
  limit: number,
): Promise<AlertRecord[]> {
  const result = await db.query<AlertRecord>(
    `SELECT ${columns} FROM alerts
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR experiment_id = $2)
       AND ($3::text IS NULL OR severity = $3)
       AND ($4::timestamptz IS NULL OR (opened_at, alert_id) < ($4::timestamptz, $5::text))
     ORDER BY opened_at DESC, alert_id DESC LIMIT $6`,
    [
      filter.status ?? null,
      filter.experimentId ?? null,
      filter.severity ?? null,
      filter.after?.opened_at ?? null,
      filter.after?.alert_id ?? null,
      limit,
    ],
  );
  return [...result.rows];
}

/**
 * The alerts of an experiment that are not resolved (for the report's data-quality section).
 * @param db - the database
 * @param experimentId - the experiment
 * @returns its open and acknowledged alerts, newest first
 * @example await unresolvedAlerts(db, 'exp1')
 */
export async function unresolvedAlerts(
  db: Queryable,
  experimentId: string,
): Promise<AlertRecord[]> {
  const result = await db.query<AlertRecord>(
    `SELECT ${columns} FROM alerts WHERE experiment_id = $1 AND status <> 'resolved'
     ORDER BY opened_at DESC, alert_id DESC`,
    [experimentId],
  );
  return [...result.rows];
}

/**
 * An alert as the API, the feed and the webhooks show it.
 * @param alert - the stored alert
 * @returns its JSON view
 * @example alertView(alert).status
 */
export function alertView(alert: AlertRecord) {
  const iso = (value: Date | string | null) =>
    value === null ? null : new Date(value).toISOString();
  return {
    id: alert.alert_id,
    experiment_id: alert.experiment_id,
    kind: alert.kind,
    metric: alert.metric === '' ? null : alert.metric,
    severity: alert.severity,
    status: alert.status,
    message: alert.message,
    count: alert.count,
    opened_at: iso(alert.opened_at) ?? '',
    last_seen_at: iso(alert.last_seen_at) ?? '',
    acknowledged_at: iso(alert.acknowledged_at),
    acknowledged_by: alert.acknowledged_by,
    acknowledged_note: alert.acknowledged_note,
    resolved_at: iso(alert.resolved_at),
    resolved_by: alert.resolved_by,
    resolved_note: alert.resolved_note,
    details: alert.details,
  };
}

/** The alert to the live feed and to the webhooks' queue (one delivery per revision). */
async function announce(
  tx: Queryable,
  config: Config,
  alert: AlertRecord,
  event: 'alert.opened' | 'alert.updated',
  now: Date,
): Promise<void> {
  const view = alertView(alert);
  const revisionKey = `${alert.alert_id}.${alert.revision}`;
  await appendLiveEvent(tx, {
    type: event,
    experimentId: alert.experiment_id,
    data: view,
    key: revisionKey,
  });
  // The subject's analysis_id names the alert's revision: each change is one delivery.
  await enqueueWebhookEvent(
    tx,
    config,
    event,
    { experiment_id: alert.experiment_id, analysis_id: revisionKey },
    view,
    now,
  );
}
