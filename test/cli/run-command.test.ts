/**
 * `abtest run` as a user runs it: the bin entry in a child process, the result document alone
 * on stdout, logs on stderr, exit codes that tell success from failure.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultDocumentSchema } from '../../shared/result/result-document.ts';
import { runAbtest } from '../support/abtest-cli.ts';

const sample = path.resolve('datasets/events-sample.csv');
let dir: string;

const abtest = (args: readonly string[]) =>
  runAbtest(args, { cwd: dir, env: { ABTEST_DATA_DIR: path.join(dir, 'data') } });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('abtest run', () => {
  it('prints exactly the result document with --json and logs JSON lines to stderr', async () => {
    const first = await abtest(['run', sample, '--json']);
    expect(first.code).toBe(0);
    const document = resultDocumentSchema.parse(JSON.parse(first.stdout));
    expect(document.batches).toHaveLength(1);
    expect(document.batches[0]?.status).toBe('validated');
    expect(document.experiments.map((e) => e.experiment_id)).toEqual(['checkout-redesign']);
    expect(document.experiments[0]?.metrics.map((m) => m.name)).toEqual(['conversion', 'revenue']);
    const logs = first.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { severity: string });
    expect(logs.some((entry) => entry.severity === 'INFO')).toBe(true);

    const second = await abtest(['run', sample, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
  });

  it('prints a readable table without --json', async () => {
    const result = await abtest(['run', sample]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Experiment checkout-redesign/);
    expect(result.stdout).toMatch(
      /variant\s+users\s+mean \[Wilson CI\]\s+lift \[CI\]\s+p-value\s+adj\. p\s+P\(beat\)/,
    );
  });

  it('fails with one clear message, no stack trace, when a file is rejected', async () => {
    const bad = path.join(dir, 'bad.csv');
    await writeFile(
      bad,
      'user_id,variant,event_type,timestamp\nu1,a,exposure,2026-01-01T00:00:00Z\n',
    );
    const result = await abtest(['run', bad, '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`abtest: ${bad}: missing required column "experiment_id"`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const document = resultDocumentSchema.parse(JSON.parse(result.stdout));
    expect(document.batches[0]?.status).toBe('rejected');
    expect(document.batches[0]?.errors[0]).toMatchObject({ line: 1, column: 'experiment_id' });
  });

  it.each([
    [['run', 'missing.csv'], 1, /missing.csv: no such file/],
    [['run'], 2, /give at least one events file/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
  ])('answers %j with exit code %i', async (args, code, message) => {
    const result = await abtest(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });
});

describe('abtest generate', () => {
  it('writes an events file and its truth', async () => {
    const out = path.join(dir, 'gen.csv');
    const truthFile = path.join(dir, 'truth.json');
    const result = await abtest([
      'generate',
      '--users',
      '200',
      '--seed',
      '5',
      '--effect',
      'conversion=0.2',
      '--truth',
      truthFile,
      '-o',
      out,
    ]);
    expect(result.code).toBe(0);
    const truth = JSON.parse(
      await (await import('node:fs/promises')).readFile(truthFile, 'utf8'),
    ) as { conversion_lift: number; rows: number };
    expect(truth.conversion_lift).toBe(0.2);
    const lines = (await (await import('node:fs/promises')).readFile(out, 'utf8'))
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe(
      'event_id,user_id,experiment_id,variant,event_type,timestamp,value,device,channel,geo,landing_page',
    );
    expect(lines.length - 1).toBe(truth.rows);
  });
});
