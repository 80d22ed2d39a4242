/**
 * Assignment over HTTP, with the chain running behind it: the single and bulk routes agree
 * with the independent rule, only a running experiment assigns, enrollment goes through
 * ingest and a repeated enroll counts once in the analysis; the rate limit answers 429 with
 * Retry-After; `GET /metrics` exposes the metrics in the Prometheus text format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiStack, stackReadToken, type ApiStack } from '../support/api-stack.ts';
import { referenceAssignment } from '../support/murmur3-reference.ts';

interface Assignment {
  experiment_id: string;
  user_id: string;
  status: string;
  variant: string | null;
  bucket: number;
  config: Record<string, unknown> | null;
}

const variants = [
  { key: 'control', weight: 50, control: true, config: { pages: 2 } },
  { key: 'one_page', weight: 50, config: { pages: 1, cta: 'Buy now' } },
];

let api: ApiStack;

async function running(id: string, extra: Record<string, unknown> = {}): Promise<void> {
  const created = await api.api('/v1/experiments', {
    method: 'POST',
    body: { id, variants, ...extra },
  });
  expect(created.status).toBe(201);
  const moved = await api.api(`/v1/experiments/${id}/status`, {
    method: 'PUT',
    body: { status: 'running' },
  });
  expect(moved.status).toBe(200);
}

beforeAll(async () => {
  api = await openApiStack();
  await running('assign-exp', { salt: 'checkout-redesign', traffic_allocation: 0.6 });
});

afterAll(async () => {
  await api.close();
});

describe('GET /v1/experiments/{id}/assignment/{user_id}', () => {
  it('answers the variant of the rule, its bucket and its config', async () => {
    for (const userId of ['user-1', 'user-6', 'ünïcödé', '用户42', '🙂', 'a/b c?d']) {
      const response = await api.api<Assignment>(
        `/v1/experiments/assign-exp/assignment/${encodeURIComponent(userId)}`,
      );
      expect(response.status).toBe(200);
      const expected = referenceAssignment('checkout-redesign', userId, [50, 50], 0.6);
      const key = expected.variant === null ? null : (variants[expected.variant]?.key ?? null);
      expect(response.body).toEqual({
        experiment_id: 'assign-exp',
        user_id: userId,
        status: 'running',
        variant: key,
        bucket: expected.bucket,
        config: expected.variant === null ? null : variants[expected.variant]?.config,
      });
    }
  });

  it('assigns no variant unless the experiment is running', async () => {
    await api.api('/v1/experiments', { method: 'POST', body: { id: 'assign-draft', variants } });
    const draft = await api.api<Assignment>('/v1/experiments/assign-draft/assignment/user-1');
    expect(draft.body).toMatchObject({ status: 'draft', variant: null, config: null });
    expect(draft.body.bucket).toBe(referenceAssignment('assign-draft', 'user-1', [1, 1], 1).bucket);
    await running('assign-paused');
    await api.api('/v1/experiments/assign-paused/status', {
      method: 'PUT',
      body: { status: 'paused' },
    });
    const paused = await api.api<Assignment>('/v1/experiments/assign-paused/assignment/user-1');
    expect(paused.body).toMatchObject({ status: 'paused', variant: null });
  });

  it('refuses what it cannot answer', async () => {
    expect((await api.api('/v1/experiments/nope/assignment/u1')).status).toBe(404);
    expect((await api.api('/v1/experiments/assign-exp/assignment/u1?enroll=yes')).status).toBe(400);
    expect((await api.api(`/v1/experiments/assign-exp/assignment/${'x'.repeat(513)}`)).status).toBe(
      400,
    );
    const readOnly = await api.api('/v1/experiments/assign-exp/assignment/u1?enroll=true', {
      token: stackReadToken,
    });
    expect(readOnly.status).toBe(403);
    const reading = await api.api('/v1/experiments/assign-exp/assignment/u1', {
      token: stackReadToken,
    });
    expect(reading.status).toBe(200);
    // An experiment known from events alone declares no variants.
    await api.stack.deps.db.query(`INSERT INTO experiments (experiment_id) VALUES ('from-events')`);
    expect((await api.api('/v1/experiments/from-events/assignment/u1')).status).toBe(409);
  });
});

describe('POST /v1/assignments/bulk', () => {
  it('assigns many users of one experiment, in input order', async () => {
    const userIds = Array.from({ length: 2000 }, (_, i) => (i % 7 === 0 ? `用户-${i}` : `u-${i}`));
    const response = await api.api<{ assignments: Assignment[] }>('/v1/assignments/bulk', {
      method: 'POST',
      body: { experiment_id: 'assign-exp', user_ids: userIds },
    });
    expect(response.status).toBe(200);
    expect(response.body.assignments.map((a) => a.user_id)).toEqual(userIds);
    for (const assignment of response.body.assignments) {
      const expected = referenceAssignment('checkout-redesign', assignment.user_id, [50, 50], 0.6);
      expect(assignment.bucket).toBe(expected.bucket);
      expect(assignment.variant).toBe(
        expected.variant === null ? null : (variants[expected.variant]?.key ?? null),
      );
    }
    const inside = response.body.assignments.filter((a) => a.variant !== null).length;
    expect(inside / userIds.length).toBeGreaterThan(0.55);
    expect(inside / userIds.length).toBeLessThan(0.65);
  });

  it('assigns one user in many experiments, in input order', async () => {
    const response = await api.api<{ assignments: Assignment[] }>('/v1/assignments/bulk', {
      method: 'POST',
      body: { user_id: 'user-6', experiment_ids: ['assign-draft', 'assign-exp', 'assign-draft'] },
    });
    expect(response.body.assignments.map((a) => [a.experiment_id, a.status])).toEqual([
      ['assign-draft', 'draft'],
      ['assign-exp', 'running'],
      ['assign-draft', 'draft'],
    ]);
  });

  it('answers 422 with the path for a bad body, 404 naming unknown experiments', async () => {
    const tooMany = await api.api<{ path: string }>('/v1/assignments/bulk', {
      method: 'POST',
      body: {
        experiment_id: 'assign-exp',
        user_ids: Array.from({ length: 10_001 }, (_, i) => `u${i}`),
      },
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.path).toBe('user_ids');
    const empty = await api.api<{ path: string }>('/v1/assignments/bulk', {
      method: 'POST',
      body: { experiment_id: 'assign-exp', user_ids: ['u1', ''] },
    });
    expect(empty.body.path).toBe('user_ids.1');
    const neither = await api.api<{ path: string }>('/v1/assignments/bulk', {
      method: 'POST',
      body: { users: ['u1'] },
    });
    expect(neither.status).toBe(422);
    const unknown = await api.api<{ error: string }>('/v1/assignments/bulk', {
      method: 'POST',
      body: { user_id: 'u1', experiment_ids: ['assign-exp', 'gone-1', 'gone-2'] },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('unknown experiments: gone-1, gone-2');
  });
});

describe('enrollment', () => {
  it('records exposures through ingest; a repeated enroll counts once in the analysis', async () => {
    await running('enroll-exp');
    const users = Array.from({ length: 20 }, (_, i) => `shopper-${i}`);
    const first = await api.api<Assignment>(
      '/v1/experiments/enroll-exp/assignment/shopper-0?enroll=true',
    );
    const again = await api.api<Assignment>(
      '/v1/experiments/enroll-exp/assignment/shopper-0?enroll=true',
    );
    expect(again.body).toEqual(first.body);
    const bulk = await api.api<{ assignments: Assignment[] }>('/v1/assignments/bulk', {
      method: 'POST',
      body: { experiment_id: 'enroll-exp', user_ids: users, enroll: true },
    });
    expect(bulk.status).toBe(200);
    const purchase = await api.api<{ batch_id: string; errors: unknown[] }>('/v1/events', {
      method: 'POST',
      body: {
        experiment_id: 'enroll-exp',
        user_id: 'shopper-0',
        event_type: 'purchase',
        value: 30,
        event_id: 'order-1',
      },
    });
    expect(purchase.status).toBe(202);
    expect(purchase.body.errors).toEqual([]);
    await api.stack.deps.bus.idle();

    const batches = await api.stack.deps.db.query<{
      rows_read: number;
      accepted: number;
      duplicates: number;
    }>(
      `SELECT rows_read, accepted, duplicates FROM ingest_batches
       WHERE source = 'enrollments.ndjson' AND status = 'validated' ORDER BY created_at`,
    );
    const totals = batches.rows.reduce(
      (sum, row) => ({
        read: sum.read + row.rows_read,
        accepted: sum.accepted + row.accepted,
        duplicates: sum.duplicates + row.duplicates,
      }),
      { read: 0, accepted: 0, duplicates: 0 },
    );
    expect(totals).toEqual({ read: 22, accepted: 20, duplicates: 2 });

    const summary = await api.api<{
      data: { users: number; events: number };
      metrics: { name: string; variants: { variant: string; users: number; sum: number }[] }[];
    }>('/v1/experiments/enroll-exp/summary');
    expect(summary.status).toBe(200);
    expect(summary.body.data).toMatchObject({ users: 20, events: 21 });
    const revenue = summary.body.metrics.find((metric) => metric.name === 'revenue');
    const shopperVariant = first.body.variant;
    expect(revenue?.variants.find((v) => v.variant === shopperVariant)?.sum).toBe(30);
    expect(revenue?.variants.reduce((n, v) => n + v.users, 0)).toBe(20);
  });
});

describe('GET /metrics', () => {
  it("exposes the issue's metrics in the Prometheus text format, behind the token", async () => {
    expect((await api.api('/metrics', { token: null })).status).toBe(401);
    await api.api('/v1/experiments/assign-exp');
    await api.api('/v1/experiments/assign-exp');
    const response = await api.api<string>('/metrics', { token: stackReadToken });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    const value = (line: string) => {
      const found = text.split('\n').find((l) => l.startsWith(`${line} `));
      return found === undefined ? undefined : Number(found.slice(line.length + 1));
    };
    for (const name of [
      'abtest_http_requests_total',
      'abtest_http_request_duration_seconds',
      'abtest_assignments_total',
      'abtest_batches_total',
      'abtest_bus_pending_messages',
      'abtest_bus_dead_lettered_messages',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    expect(
      value(
        'abtest_http_requests_total{route="/v1/experiments/{experiment_id}",method="GET",status="200"}',
      ),
    ).toBeGreaterThanOrEqual(2);
    expect(value('abtest_http_requests_total{route="/metrics",method="GET",status="401"}')).toBe(1);
    expect(
      value(
        'abtest_http_request_duration_seconds_count{route="/v1/experiments/{experiment_id}",method="GET"}',
      ),
    ).toBeGreaterThanOrEqual(2);
    expect(value('abtest_assignments_total')).toBeGreaterThanOrEqual(2000 + 3 + 6);
    const counts = await api.stack.deps.db.query<{ received: number; validated: number }>(
      `SELECT count(*)::int AS received, count(*) FILTER (WHERE status = 'validated')::int AS validated
       FROM ingest_batches`,
    );
    expect(value('abtest_batches_total{status="received"}')).toBe(counts.rows[0]?.received);
    expect(value('abtest_batches_total{status="validated"}')).toBe(counts.rows[0]?.validated);
    expect(value('abtest_bus_dead_lettered_messages')).toBe(0);
    // Every delivery done: nothing waits (report.ready, which nothing in the chain takes, neither).
    await api.stack.deps.bus.idle();
    const settled = await api.api<string>('/metrics');
    expect(settled.body).toMatch(/^abtest_bus_pending_messages 0$/m);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After in whole seconds past the limit, per token', async () => {
    const limited = await openApiStack({
      ABTEST_RATE_LIMIT_REQUESTS: '3',
      ABTEST_RATE_LIMIT_PERIOD_SECONDS: '60',
    });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await limited.api('/v1/experiments')).status);
      expect(statuses).toEqual([200, 200, 200]);
      const refused = await limited.api<{ error: string }>('/v1/experiments');
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(20);
      expect(refused.body.error).toMatch(/^too many requests for token "api": at most 3 per 60 s/);
      // Another token has its own bucket; open routes are not limited.
      expect((await limited.api('/v1/experiments', { token: stackReadToken })).status).toBe(200);
      expect((await limited.api('/healthz', { token: null })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
