/**
 * Experiments defined and run over the results API (every answer held to the OpenAPI
 * document): creation as a draft, 409 for an existing id, 422 with the field's path, merge
 * patches that bump the version, the lifecycle over HTTP (every illegal move a 409 naming the
 * allowed states), frozen fields and the allocation ramp once running, and the audit log
 * naming each token, paged oldest first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentStatus } from '../../shared/analysis/experiment-definition.ts';
import {
  openResultsServer,
  type ResultsServer,
  testReadToken,
} from '../shared/http/results-server.ts';
import { issueTransitions } from '../shared/experiments/issue-transitions.ts';

const ciToken = 'ci-token-0123456789abcdef';
const teamToken = 'team-token-0123456789abcdef';

interface ExperimentBody {
  experiment_id: string;
  status: ExperimentStatus;
  version: number;
  allowed_transitions: ExperimentStatus[];
  started_at: string | null;
  definition: Record<string, unknown> | null;
}

interface ErrorBody {
  error: string;
  path?: string;
  issues?: { path: string; message: string }[];
  allowed?: ExperimentStatus[];
  status?: ExperimentStatus;
}

interface AuditBody {
  items: {
    action: string;
    token_name: string | null;
    source: string;
    from: string | null;
    to: string;
    reason: string | null;
    changes: { field: string; from: unknown; to: unknown }[];
    version: number;
  }[];
  next_cursor: string | null;
}

const definition = (id: string) => ({
  id,
  name: 'Checkout redesign',
  owner: 'growth',
  variants: [
    { key: 'control', name: 'Two pages', weight: 50, control: true, config: { pages: 2 } },
    { key: 'one_page', name: 'One page', weight: 50, config: { pages: 1 } },
  ],
  traffic_allocation: 0.2,
  primary_metric: 'conversion',
  guardrail_metrics: ['revenue'],
});

let server: ResultsServer;

beforeAll(async () => {
  server = await openResultsServer({
    ABTEST_API_TOKENS: `ci:${ciToken},checkout-team:${teamToken}`,
  });
});

afterAll(async () => {
  await server.close();
});

const as = (token: string) => ({ token });

async function create(id: string, token = ciToken) {
  return server.api<ExperimentBody>('/v1/experiments', {
    method: 'POST',
    body: definition(id),
    ...as(token),
  });
}

async function move(id: string, status: ExperimentStatus, reason?: string) {
  return server.api<ExperimentBody & ErrorBody>(`/v1/experiments/${id}/status`, {
    method: 'PUT',
    body: reason === undefined ? { status } : { status, reason },
    ...as(teamToken),
  });
}

describe('POST /v1/experiments', () => {
  it('creates a draft, version 1, and answers it', async () => {
    const created = await create('api-create');
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/experiments/api-create');
    expect(created.body).toMatchObject({
      experiment_id: 'api-create',
      status: 'draft',
      version: 1,
      allowed_transitions: ['running', 'archived'],
      started_at: null,
    });
    expect(created.body.definition).toMatchObject({ owner: 'growth', traffic_allocation: 0.2 });
    expect(created.body.definition).not.toHaveProperty('status');
    const read = await server.api<ExperimentBody>('/v1/experiments/api-create');
    expect(read.body).toMatchObject({ status: 'draft', version: 1 });
  });

  it('answers 409 when the id exists', async () => {
    await create('api-twice');
    const again = await create('api-twice');
    expect(again.status).toBe(409);
    expect((again.body as unknown as ErrorBody).error).toBe(
      'experiment api-twice already exists: change it with PATCH /v1/experiments/api-twice',
    );
  });

  it.each([
    [{ ...definition('x1'), variants: [{ key: 'control', weight: 100 }] }, 'variants'],
    [{ ...definition('x2'), traffic_allocation: 0 }, 'traffic_allocation'],
    [{ ...definition('x3'), primary_metric: 'carts' }, 'primary_metric'],
    [
      { ...definition('x4'), start_at: '2026-02-01T00:00:00Z', end_at: '2026-01-01T00:00:00Z' },
      'end_at',
    ],
    [
      {
        ...definition('x5'),
        variants: [
          { key: 'control', weight: 60, control: true },
          { key: 'b', weight: 60 },
        ],
      },
      'variants',
    ],
    [{ ...definition('x6'), status: 'running' }, 'status'],
  ])('answers 422 with the path of the field at fault (%#)', async (body, path) => {
    const refused = await server.api<ErrorBody>('/v1/experiments', { method: 'POST', body });
    expect(refused.status).toBe(422);
    expect(refused.body.path).toBe(path);
    expect(refused.body.issues?.[0]?.path).toBe(path);
    expect(refused.body.error).toMatch(new RegExp(`: ${path.replace('.', '\\.')}: `));
  });

  it('refuses a read-only token (403)', async () => {
    const refused = await server.api('/v1/experiments', {
      method: 'POST',
      body: definition('read-only'),
      token: testReadToken,
    });
    expect(refused.status).toBe(403);
  });
});

describe('PATCH /v1/experiments/{id}', () => {
  it('merges the patch, bumps the version, and keeps unchanged fields', async () => {
    await create('api-patch');
    const patched = await server.api<ExperimentBody>('/v1/experiments/api-patch', {
      method: 'PATCH',
      body: { hypothesis: 'One page converts more.', owner: null, alpha: 0.1 },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.version).toBe(2);
    expect(patched.body.definition).toMatchObject({
      hypothesis: 'One page converts more.',
      alpha: 0.1,
      traffic_allocation: 0.2,
    });
    expect(patched.body.definition).not.toHaveProperty('owner');
    const same = await server.api<ExperimentBody>('/v1/experiments/api-patch', {
      method: 'PATCH',
      body: { alpha: 0.1 },
    });
    expect(same.body.version).toBe(2);
  });

  it('answers 422 for a patch that breaks a rule, and for status or id', async () => {
    await create('api-patch-bad');
    for (const [body, path] of [
      [
        {
          variants: [
            { key: 'control', weight: 50 },
            { key: 'b', weight: 40 },
          ],
        },
        'variants',
      ],
      [{ status: 'running' }, 'status'],
      [{ id: 'other' }, 'id'],
      [{ guardrail_metrics: ['latency'] }, 'guardrail_metrics.0'],
    ] as const) {
      const refused = await server.api<ErrorBody>('/v1/experiments/api-patch-bad', {
        method: 'PATCH',
        body,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.path).toBe(path);
    }
    const unchanged = await server.api<ExperimentBody>('/v1/experiments/api-patch-bad');
    expect(unchanged.body.version).toBe(1);
  });

  it('answers 404 for an unknown experiment', async () => {
    const missing = await server.api('/v1/experiments/nope', {
      method: 'PATCH',
      body: { alpha: 0.1 },
    });
    expect(missing.status).toBe(404);
  });
});

describe('the lifecycle over HTTP', () => {
  it('walks draft -> running -> paused -> running -> completed -> archived', async () => {
    await create('api-walk');
    const steps: ExperimentStatus[] = ['running', 'paused', 'running', 'completed', 'archived'];
    let version = 1;
    for (const status of steps) {
      const moved = await move('api-walk', status, `to ${status}`);
      expect(moved.status).toBe(200);
      version += 1;
      expect(moved.body).toMatchObject({ status, version });
    }
    const done = await server.api<ExperimentBody>('/v1/experiments/api-walk');
    expect(done.body.allowed_transitions).toEqual([]);
    expect(done.body.started_at).not.toBeNull();
  });

  const reach: Record<ExperimentStatus, ExperimentStatus[]> = {
    draft: [],
    running: ['running'],
    paused: ['running', 'paused'],
    completed: ['running', 'completed'],
    archived: ['archived'],
  };
  const allowed = issueTransitions;
  const statuses = Object.keys(allowed) as ExperimentStatus[];
  const illegal = statuses.flatMap((from) =>
    statuses.filter((to) => !allowed[from].includes(to)).map((to) => [from, to] as const),
  );

  it.each(illegal)('answers 409 for %s -> %s, naming the allowed next states', async (from, to) => {
    const id = `api-illegal-${from}-${to}`;
    await create(id);
    for (const step of reach[from]) expect((await move(id, step)).status).toBe(200);
    const refused = await move(id, to);
    expect(refused.status).toBe(409);
    expect(refused.body.allowed).toEqual(allowed[from]);
    expect(refused.body.status).toBe(from);
    for (const state of allowed[from]) expect(refused.body.error).toContain(state);
    const after = await server.api<ExperimentBody>(`/v1/experiments/${id}`);
    expect(after.body.status).toBe(from);
  });

  it('answers 422 for a status that is not one', async () => {
    await create('api-bad-status');
    const refused = await server.api<ErrorBody>('/v1/experiments/api-bad-status/status', {
      method: 'PUT',
      body: { status: 'live' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.path).toBe('status');
  });

  it('freezes variants, weights and salt once running; the allocation may only grow', async () => {
    await create('api-frozen');
    const draftEdit = await server.api<ExperimentBody>('/v1/experiments/api-frozen', {
      method: 'PATCH',
      body: { salt: 'before-start' },
    });
    expect(draftEdit.status).toBe(200);
    await move('api-frozen', 'running');
    const variants = definition('api-frozen').variants;
    for (const [body, path] of [
      [
        {
          variants: [
            { ...variants[0], weight: 40 },
            { ...variants[1], weight: 60 },
          ],
        },
        'variants',
      ],
      [{ variants: [variants[0], { ...variants[1], config: { pages: 3 } }] }, 'variants'],
      [{ salt: 'after-start' }, 'salt'],
      [{ salt: null }, 'salt'],
      [{ traffic_allocation: 0.1 }, 'traffic_allocation'],
    ] as const) {
      const refused = await server.api<ErrorBody>('/v1/experiments/api-frozen', {
        method: 'PATCH',
        body,
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatch(/^experiment api-frozen has run: /);
      expect(refused.body.path).toBe(path);
    }
    const ramp = await server.api<ExperimentBody>('/v1/experiments/api-frozen', {
      method: 'PATCH',
      body: {
        traffic_allocation: 0.5,
        variants: [{ ...variants[0], name: 'Old checkout' }, variants[1]],
      },
    });
    expect(ramp.status).toBe(200);
    expect(ramp.body.definition).toMatchObject({ traffic_allocation: 0.5 });
    await move('api-frozen', 'paused');
    const paused = await server.api('/v1/experiments/api-frozen', {
      method: 'PATCH',
      body: { salt: 'while-paused' },
    });
    expect(paused.status).toBe(409);
  });
});

describe('GET /v1/experiments/{id}/audit', () => {
  it('lists every creation, change and transition with the token name, oldest first, paged', async () => {
    await create('api-audit', ciToken);
    await server.api('/v1/experiments/api-audit', {
      method: 'PATCH',
      body: { traffic_allocation: 0.3 },
      ...as(teamToken),
    });
    await move('api-audit', 'running', 'launch');
    await move('api-audit', 'paused', 'bug in checkout');
    const first = await server.api<AuditBody>('/v1/experiments/api-audit/audit?limit=3');
    expect(first.status).toBe(200);
    expect(
      first.body.items.map((item) => [item.action, item.token_name, item.from, item.to]),
    ).toEqual([
      ['created', 'ci', null, 'draft'],
      ['changed', 'checkout-team', 'draft', 'draft'],
      ['status', 'checkout-team', 'draft', 'running'],
    ]);
    expect(first.body.items[0]?.changes.map((change) => change.field)).toContain('variants');
    expect(first.body.items[1]?.changes).toEqual([
      { field: 'traffic_allocation', from: 0.2, to: 0.3 },
    ]);
    expect(first.body.items[2]).toMatchObject({ reason: 'launch', version: 3, source: 'api' });
    expect(first.body.next_cursor).not.toBeNull();
    const second = await server.api<AuditBody>(
      `/v1/experiments/api-audit/audit?limit=3&cursor=${first.body.next_cursor ?? ''}`,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0]).toMatchObject({
      action: 'status',
      from: 'running',
      to: 'paused',
      reason: 'bug in checkout',
      version: 4,
      token_name: 'checkout-team',
    });
    expect(second.body.next_cursor).toBeNull();
    const all = await server.api<AuditBody>('/v1/experiments/api-audit/audit');
    expect(all.body.items).toHaveLength(4);
  });

  it('names the single token api, and refuses a bad cursor (400) or experiment (404)', async () => {
    await server.api('/v1/experiments', { method: 'POST', body: definition('api-audit-default') });
    const log = await server.api<AuditBody>('/v1/experiments/api-audit-default/audit');
    expect(log.body.items[0]?.token_name).toBe('api');
    expect((await server.api('/v1/experiments/api-audit-default/audit?cursor=zz')).status).toBe(
      400,
    );
    expect((await server.api('/v1/experiments/unknown-one/audit')).status).toBe(404);
  });
});
