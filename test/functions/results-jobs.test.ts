/**
 * Asynchronous jobs through the function: `POST /v1/analytics/run` and `POST /v1/model/train`
 * answer 202 at once with a queued job whose row and message were written together, each job
 * its own message; the in-process bus then carries the message through the chain. The stages
 * move a job to completed once they are wired to it; until then a job may still read queued,
 * so the status check accepts queued, running or completed, and what the chain did with the
 * job (its analysis run) is checked instead.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFiles } from '../../shared/local/run-files.ts';
import {
  openResultsServer,
  testReadToken,
  type ResultsServer,
} from '../shared/http/results-server.ts';

const experimentId = 'checkout-redesign';
let server: ResultsServer;
let analysisId: string;

interface Accepted {
  job_id: string;
  status: string;
  kind: string;
  experiment_id: string;
  links: { job: string };
}

interface Job {
  job_id: string;
  kind: string;
  status: string;
  result: Record<string, unknown> | null;
  error: string | null;
}

interface Summary {
  analysis_id: string;
  alpha: number;
  metrics: { name: string }[];
  models: { metric: string }[];
  provenance: { request: { metrics: string[] | null; alpha: number | null } | null };
}

const outbox = async (jobId: string) =>
  server.stack.deps.db.query<{ topic: string; payload: unknown }>(
    `SELECT topic, payload FROM outbox_messages WHERE payload->>'job_id' = $1`,
    [jobId],
  );

beforeAll(async () => {
  server = await openResultsServer({}, { chain: true });
  const { document } = await runFiles(server.stack.deps, [
    { path: path.resolve('datasets/events-sample.csv') },
  ]);
  analysisId = document.experiments[0]?.analysis_id ?? '';
  await server.stack.deps.db.query(`INSERT INTO experiments (experiment_id) VALUES ('no-data')`);
});

afterAll(async () => {
  await server.close();
});

describe('POST /v1/analytics/run', () => {
  it('queues a job and a rerun message, then the rerun is recorded as unchanged', async () => {
    const response = await server.api<Accepted>('/v1/analytics/run', {
      method: 'POST',
      body: { experiment_id: experimentId },
    });
    expect(response.status).toBe(202);
    const { job_id: jobId } = response.body;
    expect(jobId).toMatch(/^job_[0-9a-f]{24}$/);
    expect(response.body).toEqual({
      job_id: jobId,
      status: 'queued',
      kind: 'analysis',
      experiment_id: experimentId,
      links: { job: `/v1/jobs/${jobId}` },
    });
    expect(response.headers.get('location')).toBe(`/v1/jobs/${jobId}`);
    expect((await outbox(jobId)).rows).toEqual([
      {
        topic: 'abtest.rerun',
        payload: { version: 1, experiment_id: experimentId, job_id: jobId },
      },
    ]);

    await server.stack.deps.bus.idle();
    const runs = await server.stack.deps.db.query(
      'SELECT analysis_id, trigger, outcome FROM analysis_runs WHERE job_id = $1',
      [jobId],
    );
    expect(runs.rows).toEqual([{ analysis_id: analysisId, trigger: 'http', outcome: 'unchanged' }]);
    const job = await server.api<Job>(`/v1/jobs/${jobId}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ job_id: jobId, kind: 'analysis', error: null });
    expect(['queued', 'running', 'completed']).toContain(job.body.status);
    if (job.body.status === 'completed') {
      expect(job.body.result).toEqual({ analysis_id: analysisId, outcome: 'unchanged' });
    }
  });

  it('makes each request its own job and message', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 2; n += 1) {
      const response = await server.api<Accepted>('/v1/analytics/run', {
        method: 'POST',
        body: { experiment_id: experimentId },
      });
      ids.push(response.body.job_id);
    }
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect((await outbox(id)).rows).toHaveLength(1);
    await server.stack.deps.bus.idle();
  });

  it('answers 404 for an unknown experiment and 403 for the read token', async () => {
    const unknown = await server.api<{ error: string }>('/v1/analytics/run', {
      method: 'POST',
      body: { experiment_id: 'never-seen' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('unknown experiment never-seen');
    const readOnly = await server.api('/v1/analytics/run', {
      method: 'POST',
      body: { experiment_id: experimentId },
      token: testReadToken,
    });
    expect(readOnly.status).toBe(403);
    const jobs = await server.stack.deps.db.query(
      `SELECT 1 FROM jobs WHERE experiment_id = 'never-seen'`,
    );
    expect(jobs.rows).toEqual([]);
  });
});

describe('POST /v1/model/train', () => {
  it('queues a job and an analysis.completed message for the latest analysis', async () => {
    const response = await server.api<Accepted>('/v1/model/train', {
      method: 'POST',
      body: { experiment_id: experimentId },
    });
    expect(response.status).toBe(202);
    const jobId = response.body.job_id;
    expect(response.body.kind).toBe('training');
    expect((await outbox(jobId)).rows).toEqual([
      {
        topic: 'abtest.analysis.completed',
        payload: {
          version: 1,
          experiment_id: experimentId,
          analysis_id: analysisId,
          job_id: jobId,
        },
      },
    ]);
    await server.stack.deps.bus.idle();
    expect(await server.stack.deps.bus.deadLetters()).toEqual([]);
    const job = await server.api<Job>(`/v1/jobs/${jobId}`);
    expect(job.body.kind).toBe('training');
    expect(['queued', 'running', 'completed']).toContain(job.body.status);
    const models = await server.stack.deps.db.query(
      'SELECT metric FROM models WHERE analysis_id = $1 ORDER BY metric',
      [analysisId],
    );
    expect(models.rows).toEqual([{ metric: 'conversion' }, { metric: 'revenue' }]);
    const chain = await server.stack.deps.db.query<{ features: string[]; requested: boolean }>(
      'SELECT features, requested FROM models WHERE analysis_id = $1 ORDER BY metric',
      [analysisId],
    );
    for (const row of chain.rows) {
      expect(row.requested).toBe(false);
      expect(row.features[0]).toBe('variant');
    }
  });

  it('answers 404 when the experiment has no analysis to train on', async () => {
    const response = await server.api<{ error: string }>('/v1/model/train', {
      method: 'POST',
      body: { experiment_id: 'no-data' },
    });
    expect(response.status).toBe(404);
    expect(response.body.error).toBe('experiment no-data has no analysis to train on');
    const jobs = await server.stack.deps.db.query(
      `SELECT 1 FROM jobs WHERE experiment_id = 'no-data'`,
    );
    expect(jobs.rows).toEqual([]);
  });
});

describe('POST /v1/analytics/run with metrics and ci', () => {
  it('analyses only those metrics at alpha = 1 - ci, as the latest analysis until the next', async () => {
    const response = await server.api<Accepted>('/v1/analytics/run', {
      method: 'POST',
      body: { experiment_id: experimentId, metrics: ['conversion'], ci: 0.9 },
    });
    expect(response.status).toBe(202);
    const jobId = response.body.job_id;
    expect((await outbox(jobId)).rows[0]?.payload).toEqual({
      version: 1,
      experiment_id: experimentId,
      job_id: jobId,
      metrics: ['conversion'],
      alpha: 0.1,
    });
    await server.stack.deps.bus.idle();
    // Analysed, trained and reported through the chain, nothing dead-lettered.
    expect(await server.stack.deps.bus.deadLetters()).toEqual([]);
    const job = await server.api<Job>(`/v1/jobs/${jobId}`);
    expect(job.body.status).toBe('completed');
    const requested = job.body.result?.analysis_id as string;
    expect(job.body.result).toEqual({ analysis_id: requested, outcome: 'new' });
    expect(requested).not.toBe(analysisId);
    const summary = await server.api<Summary>(`/v1/experiments/${experimentId}/summary`);
    expect(summary.body.analysis_id).toBe(requested);
    expect(summary.body.alpha).toBe(0.1);
    expect(summary.body.metrics.map((metric) => metric.name)).toEqual(['conversion']);
    expect(summary.body.models.map((model) => model.metric)).toEqual(['conversion']);
    // What abtest verify needs to recompute its fingerprint.
    expect(summary.body.provenance.request).toEqual({ metrics: ['conversion'], alpha: 0.1 });
    const results = await server.api<{ analysis_id: string }>(
      `/v1/analytics/results/${experimentId}`,
    );
    expect(results.body.analysis_id).toBe(requested);

    // The next analysis of everything is the latest again.
    const next = await server.api<Accepted>('/v1/analytics/run', {
      method: 'POST',
      body: { experiment_id: experimentId },
    });
    await server.stack.deps.bus.idle();
    const after = await server.api<Job>(`/v1/jobs/${next.body.job_id}`);
    expect(after.body.result).toEqual({ analysis_id: analysisId, outcome: 'unchanged' });
    const back = await server.api<Summary>(`/v1/experiments/${experimentId}/summary`);
    expect(back.body.analysis_id).toBe(analysisId);
    expect(back.body.alpha).toBe(0.05);
    expect(back.body.metrics.map((metric) => metric.name)).toEqual(['conversion', 'revenue']);
    expect(back.body.provenance.request).toBeNull();
  });

  it('asking for every metric at the defined level is the analysis of everything', async () => {
    const response = await server.api<Accepted>('/v1/analytics/run', {
      method: 'POST',
      body: { experiment_id: experimentId, metrics: ['conversion', 'revenue'], ci: 0.95 },
    });
    await server.stack.deps.bus.idle();
    const job = await server.api<Job>(`/v1/jobs/${response.body.job_id}`);
    expect(job.body.result).toEqual({ analysis_id: analysisId, outcome: 'unchanged' });
  });

  it('answers 400 naming an unknown metric, or a ci outside (0, 1)', async () => {
    const unknown = await server.api<{ error: string }>('/v1/analytics/run', {
      method: 'POST',
      body: { experiment_id: experimentId, metrics: ['conversion', 'refunds'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe(
      'metrics: unknown metric "refunds" (the experiment has conversion, revenue)',
    );
    const level = await server.api<{ error: string }>('/v1/analytics/run', {
      method: 'POST',
      body: { experiment_id: experimentId, ci: 95 },
    });
    expect(level.status).toBe(400);
    expect(level.body.error).toMatch(/^ci: /);
  });
});

describe('POST /v1/model/train with a target and features', () => {
  it('fits exactly that target on those features; the job result names the model and its artifact', async () => {
    const response = await server.api<Accepted>('/v1/model/train', {
      method: 'POST',
      body: { experiment_id: experimentId, target: 'conversion', features: ['device', 'geo'] },
    });
    expect(response.status).toBe(202);
    const jobId = response.body.job_id;
    expect((await outbox(jobId)).rows[0]?.payload).toEqual({
      version: 1,
      experiment_id: experimentId,
      analysis_id: analysisId,
      job_id: jobId,
      target: 'conversion',
      features: ['device', 'geo'],
    });
    await server.stack.deps.bus.idle();
    const job = await server.api<Job>(`/v1/jobs/${jobId}`);
    expect(job.body.status).toBe('completed');
    const result = job.body.result as {
      model_id: string;
      metrics: { cv: { folds: number; auc: number }; holdout: { units: number; auc: number } };
      artifact_uri: string;
      features: string[];
    };
    expect(Object.keys(result).sort()).toEqual(['artifact_uri', 'features', 'metrics', 'model_id']);
    expect(result.features).toEqual(['device', 'geo']);
    expect(result.metrics.cv.folds).toBe(5);
    expect(result.metrics.holdout.units).toBeGreaterThan(0);
    const row = await server.stack.deps.db.query<{
      metric: string;
      features: string[];
      requested: boolean;
      artifact_key: string;
      document: { coefficients: { term: string }[] };
    }>(
      'SELECT metric, features, requested, artifact_key, document FROM models WHERE model_id = $1',
      [result.model_id],
    );
    const stored = row.rows[0]!;
    expect([stored.metric, stored.features, stored.requested]).toEqual([
      'conversion',
      ['device', 'geo'],
      true,
    ]);
    const terms = stored.document.coefficients.map((c) => c.term);
    expect(terms.some((term) => term.startsWith('device['))).toBe(true);
    expect(terms.some((term) => term.startsWith('geo['))).toBe(true);
    expect(terms.some((term) => term.startsWith('channel['))).toBe(false);
    expect(result.artifact_uri).toBe(
      server.stack.deps.blobs.uri(server.stack.deps.config.buckets.artifacts, stored.artifact_key),
    );
    const artifact = JSON.parse(
      (
        await server.stack.deps.blobs.read(
          server.stack.deps.config.buckets.artifacts,
          stored.artifact_key,
        )
      ).toString('utf8'),
    ) as {
      model_id: string;
      features: string[];
      metric: string;
      provenance: { fingerprint: string; inputs: unknown[] };
    };
    expect([artifact.model_id, artifact.metric, artifact.features]).toEqual([
      result.model_id,
      'conversion',
      ['device', 'geo'],
    ]);
    // The provenance block of the analysis it was fitted on.
    expect(`an_${artifact.provenance.fingerprint.slice(0, 24)}`).toBe(analysisId);
    expect(artifact.provenance.inputs.length).toBeGreaterThan(0);
    // The chain's models are what the summary shows.
    const summary = await server.api<Summary>(`/v1/experiments/${experimentId}/summary`);
    expect(summary.body.models.map((model) => model.metric)).toEqual(['conversion', 'revenue']);
  });

  it('answers 400 naming an unknown target or feature', async () => {
    const response = await server.api<{ error: string }>('/v1/model/train', {
      method: 'POST',
      body: { experiment_id: experimentId, target: 'refunds', features: ['device', 'shoe_size'] },
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe(
      'target: unknown metric "refunds" (the analysis has conversion, revenue); features: unknown feature "shoe_size" (the analysis has channel, device, geo, landing_page)',
    );
    const orphan = await server.api<{ error: string }>('/v1/model/train', {
      method: 'POST',
      body: { experiment_id: experimentId, features: ['device'] },
    });
    expect(orphan.status).toBe(400);
    expect(orphan.body.error).toBe('features: name the target they predict (target)');
  });

  it.each([
    [{ target: 'conversion', features: 'device' }, /^features: /],
    [{ target: 'conversion', features: ['device', ''] }, /^features\.1: /],
    [{ target: '', features: ['device'] }, /^target: /],
    [{ target: 7 }, /^target: /],
  ])('answers 400 for the malformed training request %j', async (fields, message) => {
    const response = await server.api<{ error: string }>('/v1/model/train', {
      method: 'POST',
      body: { experiment_id: experimentId, ...fields },
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(message);
  });

  it('answers 404 for an unknown experiment, and starts no job for a refused request', async () => {
    const before = await server.stack.deps.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM jobs WHERE kind = 'training'",
    );
    const unknown = await server.api<{ error: string }>('/v1/model/train', {
      method: 'POST',
      body: { experiment_id: 'no-such-experiment', target: 'conversion', features: [] },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('unknown experiment no-such-experiment');
    const refused = await server.api('/v1/model/train', {
      method: 'POST',
      body: { experiment_id: experimentId, target: 'refunds', features: ['device'] },
    });
    expect(refused.status).toBe(400);
    const after = await server.stack.deps.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM jobs WHERE kind = 'training'",
    );
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });
});
