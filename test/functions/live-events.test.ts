/**
 * Events as they happen, unit-level tables over HTTP and the bucket, and definition files
 * under the lifecycle, all with the chain running: events go through the upload's contract,
 * validation and deduplication (row errors answered like an upload's, with their lines); a
 * missing variant is the user's assignment, and an event that cannot be assigned is a row
 * error; a definition file that tries an illegal move is refused with the API's message, from
 * `POST /v1/definitions`, the bucket and `abtest run --definition` alike.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExperimentDefinition } from '../../shared/analysis/experiment-definition.ts';
import { ingestStorageEvent } from '../../shared/runtime/ingest-entry.ts';
import { useStageDeps } from '../../shared/runtime/function-runtime.ts';
import { applyDefinitionFile } from '../../shared/stages/experiment-changes.ts';
import { openApiStack, stackToken, type ApiStack } from '../support/api-stack.ts';
import { storageCloudEvent } from '../support/cloud-events.ts';
import { referenceAssignment } from '../support/murmur3-reference.ts';

interface BatchBody {
  batch_id: string;
  status: string;
  accepted: number | null;
  rejected: number | null;
  duplicates: number | null;
  errors: { line: number | null; column: string | null; value: string | null; reason: string }[];
}

const variants = [
  { key: 'control', weight: 50, control: true },
  { key: 'treatment', weight: 50 },
];
const unitsSample = path.resolve('datasets/units-sample.csv');

let api: ApiStack;

async function define(
  id: string,
  status: 'running' | 'paused',
  extra: Record<string, unknown> = {},
) {
  await api.api('/v1/experiments', { method: 'POST', body: { id, variants, ...extra } });
  await api.api(`/v1/experiments/${id}/status`, { method: 'PUT', body: { status: 'running' } });
  if (status === 'paused') {
    await api.api(`/v1/experiments/${id}/status`, { method: 'PUT', body: { status: 'paused' } });
  }
}

async function batchCount(): Promise<number> {
  const result = await api.stack.deps.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM ingest_batches',
  );
  return result.rows[0]?.n ?? 0;
}

beforeAll(async () => {
  api = await openApiStack();
  await define('live', 'running', { traffic_allocation: 0.5 });
  await define('live-paused', 'paused');
});

afterAll(async () => {
  await api.close();
});

describe('POST /v1/events/batch', () => {
  it('takes events through the upload path: assigned variants, row errors with their lines', async () => {
    const inside: string[] = [];
    const outside: string[] = [];
    for (let i = 0; inside.length < 40 || outside.length < 1; i += 1) {
      const user = `buyer-${i}`;
      (referenceAssignment('live', user, [50, 50], 0.5).variant === null ? outside : inside).push(
        user,
      );
    }
    const events: Record<string, unknown>[] = inside.map((user, i) => ({
      experiment_id: 'live',
      user_id: user,
      event_type: i % 2 === 0 ? 'exposure' : 'purchase',
      value: i % 2 === 0 ? null : 10 + i,
      timestamp: '2026-03-01T10:00:00Z',
      event_id: `e-${i}`,
      properties: { device: i % 3 === 0 ? 'mobile' : 'desktop' },
    }));
    events[39] = { experiment_id: 'live', user_id: outside[0], event_type: 'exposure' };
    events.push({
      experiment_id: 'live',
      user_id: 'x',
      event_type: 'purchase',
      value: -5,
      variant: 'control',
      timestamp: '2026-03-01T10:00:00Z',
    });
    const response = await api.api<BatchBody>('/v1/events/batch', {
      method: 'POST',
      body: { events },
    });
    expect(response.status).toBe(202);
    expect(response.body.status).toBe('received');
    expect(response.body.errors).toEqual([
      {
        line: 40,
        column: 'variant',
        value: null,
        reason: `user ${outside[0]} is outside the traffic allocation of experiment live`,
      },
    ]);
    await api.stack.deps.bus.idle();
    const batch = await api.api<BatchBody>(`/v1/batches/${response.body.batch_id}`);
    expect(batch.body).toMatchObject({
      status: 'validated',
      accepted: 39,
      rejected: 2,
      duplicates: 0,
    });
    expect(batch.body.errors).toEqual([
      { line: 40, column: 'variant', value: null, reason: 'empty variant' },
      { line: 41, column: 'value', value: '-5', reason: 'value is negative' },
    ]);
    const summary = await api.api<{ data: { users: number } }>('/v1/experiments/live/summary');
    expect(summary.body.data.users).toBe(20);
  });

  it('answers row errors for an unknown or paused experiment without a variant', async () => {
    const good = Array.from({ length: 38 }, (_, i) => ({
      experiment_id: 'live-paused',
      user_id: `p-${i}`,
      variant: 'control',
      event_type: 'exposure',
      timestamp: '2026-03-02T10:00:00Z',
    }));
    const response = await api.api<BatchBody>('/v1/events/batch', {
      method: 'POST',
      body: {
        events: [
          ...good,
          { experiment_id: 'live-paused', user_id: 'p-x', event_type: 'purchase', value: 3 },
          { experiment_id: 'nowhere', user_id: 'p-y', event_type: 'exposure' },
        ],
      },
    });
    expect(response.status).toBe(202);
    expect(response.body.errors.map((e) => [e.line, e.reason])).toEqual([
      [39, 'experiment live-paused is paused, not running: send the variant'],
      [40, 'unknown experiment nowhere: send the variant'],
    ]);
  });

  it('refuses the whole request when the rows in error pass the threshold: nothing stored', async () => {
    const before = await batchCount();
    const one = await api.api<{ error: string; errors: BatchBody['errors'] }>('/v1/events', {
      method: 'POST',
      body: { experiment_id: 'nowhere', user_id: 'u1', event_type: 'purchase', value: 2 },
    });
    expect(one.status).toBe(422);
    expect(one.body.error).toBe(
      'POST /v1/events: 100.0% of events rejected (1 of 1), above the threshold of 5.0%',
    );
    expect(one.body.errors).toEqual([
      {
        line: 1,
        column: 'variant',
        value: null,
        reason: 'unknown experiment nowhere: send the variant',
      },
    ]);
    expect(await batchCount()).toBe(before);
  });

  it('answers 400 for an event that is not an object or has bad properties, 422 for a bad envelope', async () => {
    const notObject = await api.api<{ error: string }>('/v1/events/batch', {
      method: 'POST',
      body: { events: [{ experiment_id: 'live', user_id: 'u', event_type: 'x' }, 'oops'] },
    });
    expect(notObject.status).toBe(400);
    expect(notObject.body.error).toBe('POST /v1/events/batch: event 2: expected a JSON object');
    const clash = await api.api<{ error: string }>('/v1/events', {
      method: 'POST',
      body: { experiment_id: 'live', user_id: 'u', event_type: 'x', properties: { User_ID: 'v' } },
    });
    expect(clash.status).toBe(400);
    const unknown = await api.api<{ error: string }>('/v1/events', {
      method: 'POST',
      body: { experiment_id: 'live', user_id: 'u', event_type: 'x', device: 'mobile' },
    });
    expect(unknown.body.error).toMatch(/unknown field "device": put attributes under "properties"/);
    const envelope = await api.api<{ path: string }>('/v1/events/batch', {
      method: 'POST',
      body: { events: [] },
    });
    expect(envelope.status).toBe(422);
    expect(envelope.body.path).toBe('events');
  });

  it('answers a retry with the same Idempotency-Key with the first batch, and the same events as a repeat', async () => {
    const event = {
      experiment_id: 'live-paused',
      user_id: 'k1',
      variant: 'treatment',
      event_type: 'exposure',
    };
    const headers = { 'idempotency-key': 'order-42' };
    const first = await api.api<BatchBody>('/v1/events', { method: 'POST', body: event, headers });
    expect(first.status).toBe(202);
    const retry = await api.api<BatchBody>('/v1/events', { method: 'POST', body: event, headers });
    expect(retry.status).toBe(200);
    expect(retry.body.batch_id).toBe(first.body.batch_id);
    const stamped = { ...event, timestamp: '2026-03-03T00:00:00Z' };
    const once = await api.api<BatchBody>('/v1/events', { method: 'POST', body: stamped });
    const twice = await api.api<BatchBody>('/v1/events', { method: 'POST', body: stamped });
    expect([once.status, twice.status]).toEqual([202, 200]);
    expect(twice.body.batch_id).toBe(once.body.batch_id);
  });
});

describe('unit-level tables over HTTP and the bucket', () => {
  const truth = async () =>
    JSON.parse(await readFile(path.resolve('datasets/units-sample.truth.json'), 'utf8')) as Record<
      string,
      { users: number }
    >;

  it('reads a multipart upload naming its variant column and experiment', async () => {
    const form = new FormData();
    form.append('experiment', 'units-form');
    form.append('unit_table', 'version');
    form.append(
      'file',
      new Blob([await readFile(unitsSample)], { type: 'text/csv' }),
      'cookie.csv',
    );
    const response = await fetch(`${api.base}/v1/ingest/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stackToken}` },
      body: form,
    });
    expect(response.status).toBe(202);
    await api.stack.deps.bus.idle();
    const summary = await api.api<{
      metrics: { name: string; variants: { variant: string; users: number }[] }[];
    }>('/v1/experiments/units-form/summary');
    expect(summary.status).toBe(200);
    const expected = await truth();
    expect(summary.body.metrics.map((m) => m.name)).toEqual([
      'sum_gamerounds',
      'retention_1',
      'retention_7',
    ]);
    expect(summary.body.metrics[0]?.variants.map((v) => [v.variant, v.users])).toEqual([
      ['gate_30', expected.gate_30?.users],
      ['gate_40', expected.gate_40?.users],
    ]);
  });

  it('reads a raw body named by headers, with the control from the definition', async () => {
    await api.api('/v1/definitions', {
      method: 'POST',
      body: 'id: units-header\nunit_table: {variant_column: version, control: gate_40}\n',
      headers: { 'content-type': 'application/yaml' },
    });
    const response = await api.api<BatchBody>('/v1/ingest/events', {
      method: 'POST',
      body: await readFile(unitsSample, 'utf8'),
      headers: { 'content-type': 'text/csv', 'x-abtest-experiment': 'units-header' },
    });
    expect(response.status).toBe(202);
    await api.stack.deps.bus.idle();
    const summary = await api.api<{
      metrics: { variants: { variant: string; is_control: boolean }[] }[];
    }>('/v1/experiments/units-header/summary');
    expect(summary.body.metrics[0]?.variants.find((v) => v.is_control)?.variant).toBe('gate_40');
    const nameless = await api.api<{ error: string }>('/v1/ingest/events', {
      method: 'POST',
      body: 'a,b\n1,2\n',
      headers: { 'content-type': 'text/csv', 'x-abtest-unit-table': 'b' },
    });
    expect(nameless.status).toBe(400);
    expect(nameless.body.error).toMatch(/a unit-level table needs its experiment/);
  });

  it("reads an object of the bucket as a unit table when its experiment's definition says so", async () => {
    await api.api('/v1/definitions', {
      method: 'POST',
      body: JSON.stringify({ id: 'units-bucket', unit_table: { variant_column: 'version' } }),
      headers: { 'content-type': 'application/json' },
    });
    const deps = api.stack.deps;
    await deps.blobs.write('raw', 'uploads/units-bucket/day-1.csv', await readFile(unitsSample));
    useStageDeps(deps);
    await ingestStorageEvent(storageCloudEvent('raw', 'uploads/units-bucket/day-1.csv'));
    await deps.bus.idle();
    const experiment = await api.api<{ batch_count: number }>('/v1/experiments/units-bucket');
    expect(experiment.body.batch_count).toBe(1);
    const summary = await api.api<{ data: { users: number } }>(
      '/v1/experiments/units-bucket/summary',
    );
    expect(summary.body.data.users).toBe(5000);
  });
});

describe('definition files under the lifecycle', () => {
  const yaml = (status?: string) =>
    `id: file-exp\nvariants:\n  - {key: control, weight: 50, control: true}\n  - {key: b, weight: 50}\n${status === undefined ? '' : `status: ${status}\n`}`;

  it('creates (running by default), changes, and finds nothing to change', async () => {
    const created = await api.api<{
      outcome: string;
      experiment: { status: string; version: number };
    }>('/v1/definitions', {
      method: 'POST',
      body: yaml(),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      outcome: 'created',
      experiment: { status: 'running', version: 1 },
    });
    const same = await api.api<{ outcome: string }>('/v1/definitions', {
      method: 'POST',
      body: yaml('running'),
      headers: { 'content-type': 'application/yaml' },
    });
    expect([same.status, same.body.outcome]).toEqual([200, 'unchanged']);
    const paused = await api.api<{
      outcome: string;
      experiment: { status: string; version: number };
    }>('/v1/definitions', {
      method: 'POST',
      body: yaml('paused'),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(paused.body).toMatchObject({
      outcome: 'changed',
      experiment: { status: 'paused', version: 2 },
    });
    const log = await api.api<{
      items: { action: string; source: string; token_name: string | null }[];
    }>('/v1/experiments/file-exp/audit');
    expect(log.body.items.map((i) => [i.action, i.source, i.token_name])).toEqual([
      ['created', 'POST /v1/definitions', 'api'],
      ['status', 'POST /v1/definitions', 'api'],
    ]);
  });

  it('refuses an illegal move with the message of the API, from every way in', async () => {
    const viaApi = await api.api<{ error: string }>('/v1/experiments/file-exp/status', {
      method: 'PUT',
      body: { status: 'draft' },
    });
    expect(viaApi.status).toBe(409);
    const message = viaApi.body.error;
    expect(message).toBe(
      'experiment file-exp cannot move from paused to draft: from paused it can move to running or completed',
    );

    const viaUpload = await api.api<{ error: string }>('/v1/definitions', {
      method: 'POST',
      body: yaml('draft'),
      headers: { 'content-type': 'application/yaml' },
    });
    expect([viaUpload.status, viaUpload.body.error]).toEqual([409, message]);

    const deps = api.stack.deps;
    await deps.blobs.write('raw', 'definitions/file-exp.yaml', Buffer.from(yaml('draft')));
    useStageDeps(deps);
    await ingestStorageEvent(storageCloudEvent('raw', 'definitions/file-exp.yaml'));
    const rejected = await deps.db.query<{ reason: string }>(
      `SELECT reason FROM rejected_messages WHERE payload LIKE '%definitions/file-exp.yaml%'`,
    );
    expect(rejected.rows.map((row) => row.reason)).toEqual([message]);

    const viaCli = applyDefinitionFile(deps, parseExperimentDefinition(yaml('draft'), 'x.yaml'), {
      tokenName: null,
      source: '--definition x.yaml',
    });
    await expect(viaCli).rejects.toThrow(message);
    const after = await api.api<{ status: string; version: number }>('/v1/experiments/file-exp');
    expect(after.body).toMatchObject({ status: 'paused', version: 2 });
  });

  it('refuses a frozen field in a file once run (409)', async () => {
    const changed = yaml()
      .replace('weight: 50, control: true', 'weight: 40, control: true')
      .replace('{key: b, weight: 50}', '{key: b, weight: 60}');
    const refused = await api.api<{ error: string }>('/v1/definitions', {
      method: 'POST',
      body: changed,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/^experiment file-exp has run: variants are frozen/);
  });

  it('applies a file of experiments: [...] whole, or none of it when one is refused', async () => {
    const list = (secondStatus: string) =>
      [
        'experiments:',
        '  - id: many-a',
        '    name: first',
        '    variants: [{key: control, weight: 50, control: true}, {key: b, weight: 50}]',
        '  - id: many-b',
        `    status: ${secondStatus}`,
        '    variants: [{key: control, weight: 50, control: true}, {key: b, weight: 50}]',
        '',
      ].join('\n');
    type Answer = {
      experiments: { outcome: string; experiment: { experiment_id: string; status: string } }[];
    };
    const created = await api.api<Answer>('/v1/definitions', {
      method: 'POST',
      body: list('paused'),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(created.status).toBe(201);
    expect(
      created.body.experiments.map((e) => [
        e.outcome,
        e.experiment.experiment_id,
        e.experiment.status,
      ]),
    ).toEqual([
      ['created', 'many-a', 'running'],
      ['created', 'many-b', 'paused'],
    ]);

    // The first experiment's change is legal, the second's move is not: nothing is written.
    const refused = await api.api<{ error: string }>('/v1/definitions', {
      method: 'POST',
      body: list('draft').replace('name: first', 'name: renamed'),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/^experiment many-b cannot move from paused to draft/);
    const first = await api.api<{ name: string; version: number }>('/v1/experiments/many-a');
    expect([first.body.name, first.body.version]).toEqual(['first', 1]);

    // The same file uploaded under definitions/ changes both.
    const deps = api.stack.deps;
    const next = list('running').replace('name: first', 'name: renamed');
    await deps.blobs.write('raw', 'definitions/many.yaml', Buffer.from(next));
    useStageDeps(deps);
    await ingestStorageEvent(storageCloudEvent('raw', 'definitions/many.yaml'));
    const a = await api.api<{ name: string; version: number }>('/v1/experiments/many-a');
    const b = await api.api<{ status: string }>('/v1/experiments/many-b');
    expect([a.body.name, a.body.version, b.body.status]).toEqual(['renamed', 2, 'running']);
  });
});
