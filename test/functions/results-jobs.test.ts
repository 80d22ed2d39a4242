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
  result: { analysis_id: string; outcome: string } | null;
  error: string | null;
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
      body: { experiment_id: experimentId, metrics: ['conversion', 'revenue'], ci: 0.95 },
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
      body: { experiment_id: experimentId, target: 'revenue' },
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
