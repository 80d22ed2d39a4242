/**
 * The live API over the whole stack (every answer checked against the OpenAPI document): SRM
 * and rejected-rows alerts raised by the chain, their moves (409 for any other), the webhook
 * deliveries they queue, `no_data` at a tick, snapshots and windows, and the event stream
 * resumed with Last-Event-ID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickMonitor } from '../../shared/stages/monitor-tick.ts';
import { openApiStack, stackReadToken, stackToken, type ApiStack } from '../support/api-stack.ts';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

let api: ApiStack;
let receiver: WebhookReceiver;
const experimentId = 'live-srm';

interface AlertBody {
  id: string;
  kind: string;
  severity: string;
  status: string;
  count: number;
  message: string;
  metric: string | null;
  acknowledged_by: string | null;
  acknowledged_note: string | null;
  resolved_at: string | null;
}

/** A CSV of users exposed 300 : 200 (a sample-ratio mismatch), a fifth of them buying. */
function srmCsv(prefix: string, bad = 0): string {
  const lines = ['user_id,experiment_id,variant,event_type,timestamp,value'];
  const add = (variant: string, users: number) => {
    for (let i = 0; i < users; i += 1) {
      const user = `${prefix}-${variant}-${i}`;
      lines.push(
        `${user},${experimentId},${variant},exposure,2026-01-05T10:${String(i % 60).padStart(2, '0')}:00Z,`,
      );
      if (i % 5 === 0)
        lines.push(
          `${user},${experimentId},${variant},purchase,2026-01-05T11:00:00Z,${10 + (i % 7)}`,
        );
    }
  };
  add('control', 300);
  add('treatment', 200);
  for (let i = 0; i < bad; i += 1) {
    lines.push(`${prefix}-bad-${i},${experimentId},control,exposure,not-a-time,`);
  }
  return `${lines.join('\n')}\n`;
}

async function upload(csv: string): Promise<void> {
  const answer = await api.api('/v1/ingest/events', {
    method: 'POST',
    body: csv,
    headers: { 'content-type': 'text/csv' },
  });
  expect(answer.status).toBe(202);
  await api.stack.deps.bus.idle();
}

async function alerts(query: string): Promise<AlertBody[]> {
  const answer = await api.api<{ alerts: AlertBody[] }>(`/v1/alerts${query}`);
  expect(answer.status).toBe(200);
  return answer.body.alerts;
}

/** Reads a stream until `count` events came, then stops. */
async function readEvents(
  query: string,
  count: number,
  lastEventId?: string,
): Promise<{ id: string; event: string; data: unknown }[]> {
  const controller = new AbortController();
  const response = await fetch(`${api.base}/v1/stream${query}`, {
    headers: {
      authorization: `Bearer ${stackReadToken}`,
      ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
    },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body?.getReader();
  const events: { id: string; event: string; data: unknown }[] = [];
  let text = '';
  const decoder = new TextDecoder();
  while (reader !== undefined && events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end = text.indexOf('\n\n');
    while (end >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const field = (name: string) =>
        block
          .split('\n')
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      const id = field('id');
      if (id !== undefined) {
        events.push({ id, event: field('event') ?? '', data: JSON.parse(field('data') ?? 'null') });
      }
      end = text.indexOf('\n\n');
    }
  }
  controller.abort();
  return events.slice(0, count);
}

beforeAll(async () => {
  receiver = await startReceiver();
  api = await openApiStack({ ABTEST_WEBHOOK_ALLOW_PRIVATE: 'true' });
  await upload(srmCsv('a'));
}, 120_000);

afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

describe('alerts', () => {
  it('opens an srm alert from the analysis, and repeats it on the next analysis', async () => {
    const [first] = await alerts(`?experiment_id=${experimentId}&status=open`);
    expect(first).toMatchObject({
      kind: 'srm',
      severity: 'error',
      status: 'open',
      count: 1,
      metric: null,
    });
    await upload(srmCsv('b'));
    const open = await alerts(`?experiment_id=${experimentId}&status=open&severity=error`);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ id: first?.id, count: 2 });
    const deliveries = await api.stack.deps.db.query<{ event: string }>(
      `SELECT event FROM webhook_deliveries WHERE event LIKE 'alert.%' ORDER BY created_at`,
    );
    // No webhook is registered: nothing is queued, and nothing is sent inline either.
    expect(deliveries.rows).toEqual([]);
  });

  it('moves open -> acknowledged -> resolved, keeping who, when and the note; any other move is 409', async () => {
    const [alert] = await alerts(`?experiment_id=${experimentId}&status=open`);
    const id = alert?.id ?? '';
    const ack = await api.api<AlertBody>(`/v1/alerts/${id}/acknowledge`, {
      method: 'POST',
      body: { note: 'looking into the assignment' },
    });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      status: 'acknowledged',
      acknowledged_by: 'api',
      acknowledged_note: 'looking into the assignment',
    });
    expect(
      (await api.api(`/v1/alerts/${id}/acknowledge`, { method: 'POST', body: {} })).status,
    ).toBe(409);
    const read = await api.api(`/v1/alerts/${id}/resolve`, {
      method: 'POST',
      token: stackReadToken,
    });
    expect(read.status).toBe(403);
    const resolved = await api.api<AlertBody>(`/v1/alerts/${id}/resolve`, { method: 'POST' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    expect(resolved.body.resolved_at).not.toBeNull();
    expect((await api.api(`/v1/alerts/${id}/resolve`, { method: 'POST' })).status).toBe(409);
    expect((await api.api(`/v1/alerts/${id}/acknowledge`, { method: 'POST' })).status).toBe(409);
    expect(
      (await api.api('/v1/alerts/al_000000000000000000000000/resolve', { method: 'POST' })).status,
    ).toBe(404);
    expect((await api.api('/v1/alerts/nope/resolve', { method: 'POST' })).status).toBe(400);
    expect((await api.api('/v1/alerts?status=closed')).status).toBe(400);
    expect((await alerts(`?status=resolved`)).map((a) => a.id)).toEqual([id]);
  });

  it('queues alert.opened and alert.updated webhook deliveries once a webhook wants them', async () => {
    const registered = await api.api('/v1/webhooks', {
      method: 'POST',
      body: { url: receiver.url, events: ['alert.opened', 'alert.updated'] },
    });
    expect(registered.status).toBe(201);
    await upload(srmCsv('c', 14)); // 14 of 614 rows rejected: 2.3%, under half of 5%
    await upload(srmCsv('d', 20)); // 20 of 620: 3.2%, above half the threshold
    const open = await alerts(`?experiment_id=${experimentId}&status=open`);
    expect(open.map((a) => [a.kind, a.severity, a.count]).sort()).toEqual([
      ['rejected_rows', 'warning', 1],
      ['srm', 'error', 2],
    ]);
    const deliveries = await api.stack.deps.db.query<{ event: string }>(
      `SELECT event FROM webhook_deliveries WHERE event LIKE 'alert.%' ORDER BY event`,
    );
    expect(deliveries.rows.map((row) => row.event)).toEqual([
      'alert.opened',
      'alert.opened',
      'alert.updated',
    ]);
    // Delivered by the webhooks subscription, signed, the alert as the data.
    const got = receiver.received.map((request) => ({
      event: request.headers['x-abtest-event'],
      data: (JSON.parse(request.body.toString('utf8')) as { data: { kind: string } }).data.kind,
    }));
    expect(got.map((g) => `${String(g.event)} ${g.data}`).sort()).toEqual([
      'alert.opened rejected_rows',
      'alert.opened srm',
      'alert.updated srm',
    ]);
  });

  it('raises no_data for a running experiment silent for ABTEST_NO_DATA_HOURS', async () => {
    await tickMonitor(api.stack.deps, 'tick-no-data', new Date(Date.now() + 25 * 3_600_000));
    const [noData] = await alerts(
      `?experiment_id=${experimentId}&status=open&severity=warning`,
    ).then((list) => list.filter((a) => a.kind === 'no_data'));
    expect(noData).toMatchObject({ kind: 'no_data', severity: 'warning', count: 1 });
  });

  it('raises rejected_rows as an error for a batch rejected whole: every row rejected, or a file error', async () => {
    const rejectedRows = async () =>
      (await alerts(`?experiment_id=${experimentId}&status=open`)).filter(
        (a) => a.kind === 'rejected_rows',
      );
    const [before] = await rejectedRows();
    expect(before).toMatchObject({ severity: 'warning', count: 1 });
    const header = 'user_id,experiment_id,variant,event_type,timestamp,value';
    const everyRowBad = Array.from(
      { length: 4 },
      (_, i) => `whole-${i},${experimentId},control,exposure,not-a-time,`,
    );
    await upload(`${[header, ...everyRowBad].join('\n')}\n`);
    const [wholeRows] = await rejectedRows();
    expect(wholeRows).toMatchObject({ id: before?.id, severity: 'error', count: 2 });
    expect(wholeRows?.message).toBe(
      'batch rejected whole: upload.csv: 100.0% of rows rejected (4 of 4), above the threshold of 5.0%',
    );
    const fileError = await api.api('/v1/ingest/events', {
      method: 'POST',
      body: 'user_id,variant\nu1,control\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(fileError.status).toBe(422);
    await api.stack.deps.bus.idle();
    const [wholeFile] = await rejectedRows();
    expect(wholeFile).toMatchObject({ id: before?.id, severity: 'error', count: 3 });
    expect(wholeFile?.message).toMatch(/^batch rejected whole: .*experiment_id/);
  });
});

describe('snapshots and windows', () => {
  it('answers the latest snapshot and every window of a size', async () => {
    const latest = await api.api<{ snapshots: { variant: string; exposures: number }[] }>(
      `/v1/experiments/${experimentId}/snapshots?latest=true`,
    );
    expect(latest.status).toBe(200);
    expect(latest.body.snapshots.map((s) => [s.variant, s.exposures])).toEqual([
      ['control', 1200],
      ['treatment', 800],
    ]);
    const windows = await api.api<{
      windows: { start: string; count: number; avg: number | null }[];
    }>(
      `/v1/experiments/${experimentId}/windows?window=1h&event_type=purchase&from=2026-01-05T11:00:00Z&to=${Date.parse('2026-01-05T11:00:00Z')}`,
    );
    expect(windows.status).toBe(200);
    expect(windows.body.windows.map((w) => [w.start, w.count])).toEqual([
      ['2026-01-05T11:00:00.000Z', 240],
      ['2026-01-05T11:00:00.000Z', 160],
    ]);
    expect((await api.api(`/v1/experiments/${experimentId}/windows?window=2h`)).status).toBe(400);
    expect(
      (await api.api(`/v1/experiments/${experimentId}/windows?window=1h&from=yesterday`)).status,
    ).toBe(400);
    expect((await api.api('/v1/experiments/unknown-exp/snapshots')).status).toBe(404);
  });
});

describe('GET /v1/stream', () => {
  it('sends the feed with ids, and resumes after Last-Event-ID', async () => {
    const all = await readEvents(`?experiment_id=${experimentId}`, 6, '0');
    // The first upload: its analysis (with the srm alert it raised), then the monitor's batch.
    expect(all.slice(0, 3).map((e) => e.event)).toEqual([
      'analysis.completed',
      'alert.opened',
      'batch.validated',
    ]);
    const ids = all.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const resumed = await readEvents(`?experiment_id=${experimentId}`, 2, all[1]?.id);
    expect(resumed.map((e) => e.id)).toEqual(all.slice(2, 4).map((e) => e.id));
    expect(resumed[0]?.data).toEqual(all[2]?.data);
  });

  it('needs a token and refuses a bad Last-Event-ID', async () => {
    const anonymous = await fetch(`${api.base}/v1/stream`);
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();
    const bad = await api.api('/v1/stream', { headers: { 'last-event-id': 'x' } });
    expect(bad.status).toBe(400);
    expect(stackToken).not.toBe(stackReadToken);
  });
});
