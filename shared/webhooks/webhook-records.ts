/**
 * The webhooks a delivery goes to: those registered over the API (the `webhooks` table, per
 * experiment or global) and those configured with `ABTEST_WEBHOOK_URLS` (global, every event,
 * signed with `ABTEST_WEBHOOK_SECRET`, their ids derived from their URLs).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../adapters/database/database.ts';
import type { Config } from '../config/load-config.ts';

/** The events a webhook can subscribe to. */
export const webhookEvents = [
  'analysis.completed',
  'report.ready',
  'alert.opened',
  'alert.updated',
] as const;

/** An event a webhook can subscribe to. */
export type WebhookEvent = (typeof webhookEvents)[number];

/** Webhook ids: `wh_` and 24 hexadecimal digits. */
export const webhookIdPattern = /^wh_[0-9a-f]{24}$/;

/** A webhook as the API shows it (never with its secret). */
export interface WebhookRecord {
  readonly webhook_id: string;
  readonly url: string;
  /** The one experiment it is for, or null for every experiment. */
  readonly experiment_id: string | null;
  readonly events: readonly WebhookEvent[];
  /** `api` when registered over the API, `config` when from `ABTEST_WEBHOOK_URLS`. */
  readonly source: 'api' | 'config';
  readonly created_at: Date | null;
}

/** A webhook with the secret its deliveries are signed with. */
export interface WebhookTarget extends WebhookRecord {
  readonly secret: string;
}

interface WebhookRow {
  readonly webhook_id: string;
  readonly url: string;
  readonly experiment_id: string | null;
  readonly events: readonly WebhookEvent[];
  readonly secret: string;
  readonly created_at: Date;
}

const columns = 'webhook_id, url, experiment_id, events, secret, created_at';

/**
 * Registers a webhook with a new secret.
 * @param db - the database
 * @param webhook - where to POST, for which experiment (null: all), on which events
 * @returns the stored webhook and its secret (shown to the caller once)
 * @example await createWebhook(db, { url: 'https://hooks.example/ab', experiment_id: null, events: ['report.ready'] })
 */
export async function createWebhook(
  db: Queryable,
  webhook: {
    readonly url: string;
    readonly experiment_id: string | null;
    readonly events: readonly WebhookEvent[];
  },
): Promise<WebhookTarget> {
  const webhookId = `wh_${randomBytes(12).toString('hex')}`;
  const secret = `whsec_${randomBytes(24).toString('hex')}`;
  const result = await db.query<WebhookRow>(
    `INSERT INTO webhooks (webhook_id, url, experiment_id, events, secret)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${columns}`,
    [webhookId, webhook.url, webhook.experiment_id, [...webhook.events], secret],
  );
  return fromRow(result.rows[0] as WebhookRow);
}

/**
 * The webhooks in force: the configured ones first, then the registered ones, oldest first.
 * @param db - the database
 * @param config - the settings holding `ABTEST_WEBHOOK_URLS`
 * @returns every active webhook, with secrets
 * @example (await activeWebhooks(db, config)).map((w) => w.url)
 */
export async function activeWebhooks(db: Queryable, config: Config): Promise<WebhookTarget[]> {
  const result = await db.query<WebhookRow>(
    `SELECT ${columns} FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, webhook_id`,
  );
  return [...configuredWebhooks(config), ...result.rows.map(fromRow)];
}

/**
 * The webhooks an event of an experiment goes to.
 * @param db - the database
 * @param config - the settings holding `ABTEST_WEBHOOK_URLS`
 * @param event - the event
 * @param experimentId - the experiment it is about
 * @returns the matching webhooks, with secrets
 * @example await webhooksFor(db, config, 'report.ready', 'checkout-redesign')
 */
export async function webhooksFor(
  db: Queryable,
  config: Config,
  event: WebhookEvent,
  experimentId: string,
): Promise<WebhookTarget[]> {
  const result = await db.query<WebhookRow>(
    `SELECT ${columns} FROM webhooks
     WHERE deleted_at IS NULL AND (experiment_id IS NULL OR experiment_id = $1)
       AND $2 = ANY(events)
     ORDER BY created_at, webhook_id`,
    [experimentId, event],
  );
  return [...configuredWebhooks(config), ...result.rows.map(fromRow)];
}

/**
 * Finds a webhook, deleted or not (its delivery history outlives it).
 * @param db - the database
 * @param config - the settings holding `ABTEST_WEBHOOK_URLS`
 * @param webhookId - the webhook
 * @returns the webhook and whether it was deleted, or undefined
 * @example await findWebhook(db, config, 'wh_0123456789abcdef01234567')
 */
export async function findWebhook(
  db: Queryable,
  config: Config,
  webhookId: string,
): Promise<{ readonly webhook: WebhookRecord; readonly deleted: boolean } | undefined> {
  const configured = configuredWebhooks(config).find((w) => w.webhook_id === webhookId);
  if (configured !== undefined) return { webhook: withoutSecret(configured), deleted: false };
  const result = await db.query<WebhookRow & { deleted: boolean }>(
    `SELECT ${columns}, deleted_at IS NOT NULL AS deleted FROM webhooks WHERE webhook_id = $1`,
    [webhookId],
  );
  const row = result.rows[0];
  return row === undefined
    ? undefined
    : { webhook: withoutSecret(fromRow(row)), deleted: row.deleted };
}

/**
 * The webhook a delivery goes to, with its secret, while it is in force.
 * @param db - the database
 * @param config - the settings holding `ABTEST_WEBHOOK_URLS`
 * @param webhookId - the webhook
 * @returns the webhook, or undefined when it was deleted (or is no longer configured)
 * @example await activeWebhook(db, config, 'wh_0123456789abcdef01234567')
 */
export async function activeWebhook(
  db: Queryable,
  config: Config,
  webhookId: string,
): Promise<WebhookTarget | undefined> {
  const configured = configuredWebhooks(config).find((w) => w.webhook_id === webhookId);
  if (configured !== undefined) return configured;
  const result = await db.query<WebhookRow>(
    `SELECT ${columns} FROM webhooks WHERE webhook_id = $1 AND deleted_at IS NULL`,
    [webhookId],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : fromRow(row);
}

/**
 * Deletes a registered webhook: no more deliveries; its history stays.
 * @param db - the database
 * @param webhookId - the webhook
 * @returns true when an active webhook was deleted
 * @example await deleteWebhook(db, 'wh_0123456789abcdef01234567')
 */
export async function deleteWebhook(db: Queryable, webhookId: string): Promise<boolean> {
  const result = await db.query(
    'UPDATE webhooks SET deleted_at = now() WHERE webhook_id = $1 AND deleted_at IS NULL',
    [webhookId],
  );
  return result.rowCount > 0;
}

/**
 * The webhooks of `ABTEST_WEBHOOK_URLS`: global, every event, id `wh_` + a hash of the URL.
 * @param config - the settings
 * @returns one target per configured URL
 * @example configuredWebhooks(config)[0]?.webhook_id
 */
export function configuredWebhooks(config: Config): WebhookTarget[] {
  const secret = config.webhookSecret;
  if (secret === undefined) return [];
  return [...new Set(config.webhookUrls)].map((url) => ({
    webhook_id: `wh_${createHash('sha256').update(`config\n${url}`).digest('hex').slice(0, 24)}`,
    url,
    experiment_id: null,
    events: [...webhookEvents],
    source: 'config',
    created_at: null,
    secret,
  }));
}

/**
 * A webhook without its secret.
 * @param webhook - the webhook
 * @returns the same fields less `secret`
 * @example withoutSecret(target).url
 */
export function withoutSecret(webhook: WebhookTarget): WebhookRecord {
  const { secret: _secret, ...rest } = webhook;
  return rest;
}

function fromRow(row: WebhookRow): WebhookTarget {
  return {
    webhook_id: row.webhook_id,
    url: row.url,
    experiment_id: row.experiment_id,
    events: [...row.events],
    source: 'api',
    created_at: row.created_at,
    secret: row.secret,
  };
}
