/**
 * `POST /v1/experiments/{id}/allocation` over the whole API (answers held to the OpenAPI
 * document): a running three-arm experiment takes its latest analysis's Thompson-sampling weights
 * as its variant weights (audited, with the reason), and an experiment without a recommendation
 * is a 409 that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyTruth, generateEvents } from '../../shared/generate/generate-events.ts';
import { generatedColumns } from '../../shared/generate/generate-events.ts';
import { csvText } from '../../shared/csv/csv-text.ts';
import { openApiStack, type ApiStack } from '../support/api-stack.ts';

let api: ApiStack;

beforeAll(async () => {
  api = await openApiStack();
});

afterAll(async () => {
  await api.close();
});

interface ExperimentBody {
  version: number;
  definition: { variants: { key: string; weight: number }[] };
}

interface SummaryBody {
  allocation: {
    floor: number;
    arms: { variant: string; probability_best: number; weight: number }[];
  } | null;
}

async function runningExperiment(id: string, keys: readonly string[]): Promise<void> {
  await api.api('/v1/experiments', {
    method: 'POST',
    body: {
      id,
      variants: keys.map((key, i) => ({ key, control: i === 0, weight: 100 / keys.length })),
    },
  });
  await api.api(`/v1/experiments/${id}/status`, { method: 'PUT', body: { status: 'running' } });
  const options = {
    users: 3000,
    seed: 17,
    experimentId: id,
    variants: keys,
    mess: false,
    conversionLift: 0.4,
  };
  const rows = [...generateEvents(options, emptyTruth(options))].map((row) => [...row]);
  const response = await api.api('/v1/ingest/events', {
    method: 'POST',
    body: csvText(generatedColumns, rows),
    headers: { 'content-type': 'text/csv' },
  });
  expect(response.status).toBe(202);
  await api.stack.deps.bus.idle();
}

describe('applying the Thompson allocation', () => {
  it('sets the variant weights to the latest recommendation, audited', async () => {
    await runningExperiment('bandit', ['control', 'b', 'c']);
    const summary = await api.api<SummaryBody>('/v1/experiments/bandit/summary');
    const allocation = summary.body.allocation;
    expect(allocation?.arms.map((arm) => arm.variant)).toEqual(['b', 'c', 'control']);
    const applied = await api.api<ExperimentBody>('/v1/experiments/bandit/allocation', {
      method: 'POST',
      body: { reason: 'weekly bandit step' },
    });
    expect(applied.status).toBe(200);
    const weights = Object.fromEntries(
      applied.body.definition.variants.map((v) => [v.key, v.weight]),
    );
    for (const arm of allocation?.arms ?? []) {
      expect(weights[arm.variant]).toBe(arm.weight);
      expect(arm.weight).toBeGreaterThanOrEqual(allocation?.floor ?? 1);
    }
    const audit = await api.api<{ items: { action: string; reason: string | null }[] }>(
      '/v1/experiments/bandit/audit',
    );
    expect(audit.body.items.at(-1)).toMatchObject({
      action: 'changed',
      reason: 'weekly bandit step',
    });
  });

  it('is a 409 for two arms, where there is no allocation, and changes nothing', async () => {
    await runningExperiment('two-arms', ['control', 'treatment']);
    const before = await api.api<ExperimentBody>('/v1/experiments/two-arms');
    const refused = await api.api<{ error: string }>('/v1/experiments/two-arms/allocation', {
      method: 'POST',
      body: {},
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/no allocation/);
    const after = await api.api<ExperimentBody>('/v1/experiments/two-arms');
    expect(after.body.version).toBe(before.body.version);
  });
});
