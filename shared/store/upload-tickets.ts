/**
 * The `upload_tickets` table: the one-time upload URLs `POST /v1/uploads` hands out where the
 * blob store signs none (`abtest serve`). The secret in the URL is the credential; only its
 * SHA-256 is stored. A ticket is claimed once, before it expires; a transfer that fails gives
 * it back, so only a PUT that stored the file uses it up.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../adapters/database/database.ts';

/** What a ticket lets its holder do: PUT the bytes of one object. */
export interface UploadTicket {
  readonly object: string;
  readonly content_type: string;
}

const hashOf = (ticket: string): string => createHash('sha256').update(ticket).digest('hex');

/**
 * Issues a ticket.
 * @param db - the database
 * @param ticket - the object (a raw-bucket key under `uploads/`) and its content type
 * @param expiresAt - when it stops working
 * @returns the secret (43 URL-safe characters), shown once
 * @example const secret = await issueUploadTicket(db, { object: 'uploads/x/a.csv', content_type: 'text/csv' }, expiry)
 */
export async function issueUploadTicket(
  db: Queryable,
  ticket: UploadTicket,
  expiresAt: Date,
): Promise<string> {
  const secret = randomBytes(32).toString('base64url');
  await db.query(
    `INSERT INTO upload_tickets (ticket_hash, object, content_type, expires_at)
     VALUES ($1, $2, $3, $4)`,
    [hashOf(secret), ticket.object, ticket.content_type, expiresAt.toISOString()],
  );
  return secret;
}

/**
 * Claims a ticket: marks it used when it is unused and unexpired.
 * @param db - the database
 * @param secret - the secret from the URL
 * @returns the ticket, or undefined when unknown, used or expired
 * @example const ticket = await claimUploadTicket(db, secret)
 */
export async function claimUploadTicket(
  db: Queryable,
  secret: string,
): Promise<UploadTicket | undefined> {
  const claimed = await db.query<UploadTicket>(
    `UPDATE upload_tickets SET used_at = now()
     WHERE ticket_hash = $1 AND used_at IS NULL AND expires_at > now()
     RETURNING object, content_type`,
    [hashOf(secret)],
  );
  return claimed.rows[0];
}

/**
 * Gives a claimed ticket back after a transfer that stored nothing.
 * @param db - the database
 * @param secret - the secret from the URL
 * @example await releaseUploadTicket(db, secret)
 */
export async function releaseUploadTicket(db: Queryable, secret: string): Promise<void> {
  await db.query('UPDATE upload_tickets SET used_at = NULL WHERE ticket_hash = $1', [
    hashOf(secret),
  ]);
}
