/**
 * The one-time upload tickets of `abtest serve` (upload_tickets): a secret is stored only as
 * its hash, is claimed once, not after it expires, and a ticket given back after a failed
 * transfer can be claimed again.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../shared/adapters/database/database.ts';
import { migrate } from '../../../shared/adapters/database/migrate.ts';
import {
  claimUploadTicket,
  issueUploadTicket,
  releaseUploadTicket,
} from '../../../shared/store/upload-tickets.ts';
import { pgliteSchemas } from '../../support/isolated-databases.ts';

const databases = pgliteSchemas();
let db: Database;
const ticket = { object: 'uploads/0123456789abcdef01234567/a.csv', content_type: 'text/csv' };
const inAMinute = () => new Date(Date.now() + 60_000);

beforeEach(async () => {
  db = (await databases.open()).db;
  await migrate(db);
});
afterAll(() => databases.close());

describe('upload tickets', () => {
  it('stores the secret only as its hash and is claimed once', async () => {
    const secret = await issueUploadTicket(db, ticket, inAMinute());
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await db.query<{ ticket_hash: string }>(
      'SELECT ticket_hash FROM upload_tickets',
    );
    expect(stored.rows[0]?.ticket_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored.rows)).not.toContain(secret);

    expect(await claimUploadTicket(db, secret)).toEqual(ticket);
    expect(await claimUploadTicket(db, secret)).toBeUndefined();
    expect(await claimUploadTicket(db, `${secret.slice(0, 42)}x`)).toBeUndefined();
  });

  it('is refused once expired', async () => {
    const secret = await issueUploadTicket(db, ticket, new Date(Date.now() - 1000));
    expect(await claimUploadTicket(db, secret)).toBeUndefined();
  });

  it('can be claimed again once given back', async () => {
    const secret = await issueUploadTicket(db, ticket, inAMinute());
    expect(await claimUploadTicket(db, secret)).toEqual(ticket);
    await releaseUploadTicket(db, secret);
    expect(await claimUploadTicket(db, secret)).toEqual(ticket);
  });
});
