/**
 * `insertBatches`: many uploads' batches and their messages in one statement, each batch once
 * by id and by Idempotency-Key, a message only with a batch inserted. On PGlite always, and on
 * a PostgreSQL server too when `TEST_DATABASE_URL` is set.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../shared/adapters/database/database.ts';
import { migrate } from '../../../shared/adapters/database/migrate.ts';
import { outboxMessage } from '../../../shared/adapters/event-bus/outbox.ts';
import { topics } from '../../../shared/messages/topics.ts';
import { findBatch, insertBatches, type NewBatch } from '../../../shared/store/batch-records.ts';
import type { IsolatedDatabase, IsolatedDatabases } from '../../support/isolated-databases.ts';
import { pgliteSchemas, postgresSchemas } from '../../support/isolated-databases.ts';

function batch(id: string, key: string | null, status: 'received' | 'rejected' = 'received') {
  return {
    batch_id: id,
    content_hash: `hash-of-${id}`,
    idempotency_key: key,
    source: `${id}.ndjson`,
    format: 'ndjson',
    raw_key: `batches/${id}/source.ndjson`,
    byte_size: 123,
    options: status === 'rejected' ? {} : { note: id },
    status,
    error_message: status === 'rejected' ? `${id}.ndjson: the file is empty` : null,
    errors:
      status === 'rejected'
        ? [{ line: null, column: null, value: null, reason: `${id}.ndjson: the file is empty` }]
        : [],
  } satisfies NewBatch;
}

const announceReceived = (b: NewBatch) =>
  b.status === 'received'
    ? outboxMessage(topics.batchReceived, { version: 1, batch_id: b.batch_id }, b.batch_id)
    : undefined;

function describeInsertBatches(name: string, databases: IsolatedDatabases) {
  describe(`insertBatches on ${name}`, () => {
    let isolated: IsolatedDatabase;
    let db: Database;
    beforeEach(async () => {
      isolated = await databases.open();
      db = isolated.db;
      await migrate(db);
    });
    afterEach(() => isolated.dispose());
    afterAll(() => databases.close());

    const messages = async () =>
      (
        await db.query<{ message_id: string; payload: unknown }>(
          'SELECT message_id, payload FROM outbox_messages ORDER BY message_id',
        )
      ).rows;

    it('inserts each batch with its message and reads back what was written', async () => {
      const fresh = [batch('b_1', 'k1'), batch('b_2', null), batch('b_3', 'k3', 'rejected')];
      expect(await insertBatches(db, fresh, announceReceived)).toEqual([true, true, true]);
      const stored = await findBatch(db, 'b_3');
      expect(stored).toMatchObject({
        batch_id: 'b_3',
        idempotency_key: 'k3',
        status: 'rejected',
        options: {},
        byte_size: 123,
        error_message: 'b_3.ndjson: the file is empty',
        errors: fresh[2]?.errors,
      });
      expect((await findBatch(db, 'b_1'))?.options).toEqual({ note: 'b_1' });
      // The rejected batch announces nothing.
      expect(await messages()).toEqual([
        { message_id: `${topics.batchReceived}:b_1`, payload: { version: 1, batch_id: 'b_1' } },
        { message_id: `${topics.batchReceived}:b_2`, payload: { version: 1, batch_id: 'b_2' } },
      ]);
    });

    it('inserts a batch once by id and by key, in one call or across calls', async () => {
      expect(await insertBatches(db, [batch('b_1', 'k1')], announceReceived)).toEqual([true]);
      const outcome = await insertBatches(
        db,
        [
          batch('b_1', 'k2'), // stored id
          batch('b_2', 'k1'), // stored key
          batch('b_3', 'k3'),
          batch('b_3', 'k4'), // id of an earlier one of this call
          batch('b_4', 'k3'), // key of an earlier one of this call
          batch('b_5', null),
          batch('b_5', null), // the same upload twice
        ],
        announceReceived,
      );
      expect(outcome).toEqual([false, false, true, false, false, true, false]);
      expect((await messages()).map((m) => m.message_id)).toEqual(
        ['b_1', 'b_3', 'b_5'].map((id) => `${topics.batchReceived}:${id}`),
      );
      expect(await findBatch(db, 'b_2')).toBeUndefined();
      expect((await findBatch(db, 'b_3'))?.idempotency_key).toBe('k3');
    });

    it('writes nothing for an empty call', async () => {
      expect(await insertBatches(db, [], announceReceived)).toEqual([]);
      expect(await messages()).toEqual([]);
    });
  });
}

describeInsertBatches('PGlite', pgliteSchemas());
const serverUrl = process.env.TEST_DATABASE_URL;
if (serverUrl !== undefined && serverUrl !== '') {
  describeInsertBatches('PostgreSQL', postgresSchemas(serverUrl));
}
