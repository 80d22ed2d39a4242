/**
 * `GET /readyz`, open like `/healthz`: 200 when the database answers and every migration of
 * `sql/` is applied, 503 with the reason otherwise; `/healthz` stays liveness only (200 while
 * the process runs, whatever the database does). The database stopped for real is in
 * test/faults/postgres-stopped.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openResultsServer, type ResultsServer } from '../shared/http/results-server.ts';
import { openLocalStack } from '../support/local-stack.ts';

let server: ResultsServer;

beforeAll(async () => {
  server = await openResultsServer();
});

afterAll(async () => {
  await server.close();
});

describe('GET /readyz', () => {
  it('answers 200 without a token when the database answers and is migrated', async () => {
    const response = await server.api('/readyz', { token: null });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 503 naming the migrations not applied', async () => {
    const db = server.stack.deps.db;
    const latest = await db.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1',
    );
    const row = latest.rows[0];
    if (row === undefined) throw new Error('no migration recorded');
    await db.query('DELETE FROM schema_migrations WHERE version = $1', [row.version]);
    try {
      const response = await server.api<{ status: string; reason: string }>('/readyz', {
        token: null,
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.body).toEqual({
        status: 'unavailable',
        reason: `migrations not applied: ${String(row.version).padStart(3, '0')}_${row.name}`,
      });
    } finally {
      await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        row.version,
        row.name,
      ]);
    }
    expect((await server.api('/readyz', { token: null })).status).toBe(200);
  });

  it('answers 503 when the database does not answer, while /healthz still answers 200', async () => {
    const closed = await openLocalStack();
    await closed.deps.db.close();
    server.use(closed.deps);
    try {
      const ready = await server.api<{ status: string; reason: string }>('/readyz', {
        token: null,
      });
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('unavailable');
      expect(ready.body.reason).toMatch(/^the database does not answer: /);
      expect((await server.api('/healthz', { token: null })).status).toBe(200);
    } finally {
      server.use();
      await closed.close().catch(() => undefined);
    }
  });
});
