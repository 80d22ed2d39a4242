/**
 * `abtest verify RESULT.json [--data-dir DIR]` as a user runs it, after `abtest run --json`:
 * 0 when every experiment matches, 1 naming the experiment and the batch whose bytes changed,
 * 2 for bad usage (no file, a file that is not a result document, a folder with no data). An
 * analysis `POST /v1/analytics/run {metrics, ci}` narrowed verifies the same way.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdapters } from '../../shared/adapters/open-adapters.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import { resultDocumentSchema, type ResultDocument } from '../../shared/result/result-document.ts';
import { analyzeExperiment } from '../../shared/stages/analyze.ts';
import { experimentSummary } from '../../shared/store/experiment-summary.ts';
import { runAbtest } from '../support/abtest-cli.ts';

const sample = path.resolve('datasets/events-sample.csv');
let dir: string;
let data: string;
let resultFile: string;
let document: ResultDocument;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-verify-cli-'));
  data = path.join(dir, 'data');
  resultFile = path.join(dir, 'result.json');
  const run = await runAbtest(['run', sample, '--json', '--data-dir', data]);
  expect(run.code).toBe(0);
  await writeFile(resultFile, run.stdout);
  document = resultDocumentSchema.parse(JSON.parse(run.stdout));
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('abtest verify', () => {
  it('says each experiment matches and exits 0, then names the changed batch and exits 1', async () => {
    const [experiment] = document.experiments;
    const fingerprint = experiment?.provenance?.fingerprint ?? '';
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const clean = await runAbtest(['verify', resultFile, '--data-dir', data]);
    expect(clean).toMatchObject({ code: 0 });
    expect(clean.stdout).toBe(
      `checkout-redesign ${experiment?.analysis_id}: matches (fingerprint ${fingerprint})\n`,
    );

    const input = experiment?.provenance?.inputs[0];
    const raw = path.join(data, 'buckets/raw/batches', input?.batch_id ?? '', 'source.csv');
    await writeFile(raw, `${await readFile(raw, 'utf8')}\n`);
    const tampered = await runAbtest(['verify', resultFile, '--data-dir', data]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(
      new RegExp(
        `^checkout-redesign ${experiment?.analysis_id}: does not match: batch ${input?.batch_id} \\(.*events-sample\\.csv\\): its raw bytes changed`,
      ),
    );
  }, 120_000);

  it.each([
    [[], /^Usage: abtest verify RESULT\.json/],
    [['missing.json'], /missing\.json: no such file/],
    [['package.json'], /package\.json: not a result document/],
    [['RESULT', '--data-dir', '/nonexistent-abtest'], /holds no abtest data/],
    [['RESULT', '--frobnicate'], /Unknown option '--frobnicate'/],
  ])(
    'answers %j with exit code 2',
    async (args, message) => {
      const outcome = await runAbtest([
        'verify',
        ...args.map((arg) => (arg === 'RESULT' ? resultFile : arg)),
      ]);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toMatch(message);
      expect(outcome.stdout).toBe('');
    },
    60_000,
  );
});

describe('abtest verify on an analysis a request narrowed', () => {
  it('matches an analysis of some metrics at another alpha, then names the changed batch', async () => {
    const subsetData = path.join(dir, 'subset-data');
    const run = await runAbtest(['run', sample, '--json', '--data-dir', subsetData]);
    expect(run.code).toBe(0);
    // What the analyze stage does for POST /v1/analytics/run {metrics: ["conversion"], ci: 0.9}.
    const config = loadConfig({}, { dataDir: subsetData });
    const adapters = await openAdapters(config, silentLogger);
    let subset;
    try {
      const deps = { ...adapters, config, logger: silentLogger };
      await analyzeExperiment(
        deps,
        'checkout-redesign',
        { kind: 'rerun', triggerId: 'subset' },
        { metrics: ['conversion'], alpha: 0.1 },
      );
      subset = await experimentSummary(
        adapters.db,
        adapters.blobs,
        config.buckets,
        'checkout-redesign',
      );
    } finally {
      await adapters.close();
    }
    expect(subset?.provenance?.request).toEqual({ metrics: ['conversion'], alpha: 0.1 });
    const whole = resultDocumentSchema.parse(JSON.parse(run.stdout)).experiments[0];
    expect(subset?.analysis_id).not.toBe(whole?.analysis_id);
    const subsetFile = path.join(dir, 'subset.json');
    await writeFile(subsetFile, JSON.stringify(subset));

    const clean = await runAbtest(['verify', subsetFile, '--data-dir', subsetData]);
    expect(clean).toMatchObject({ code: 0, stderr: '' });
    expect(clean.stdout).toBe(
      `checkout-redesign ${subset?.analysis_id}: matches (fingerprint ${subset?.provenance?.fingerprint})\n`,
    );

    const input = subset?.provenance?.inputs[0];
    const raw = path.join(subsetData, 'buckets/raw/batches', input?.batch_id ?? '', 'source.csv');
    const bytes = await readFile(raw);
    bytes[20] = bytes[20] === 0x61 ? 0x62 : 0x61;
    await writeFile(raw, bytes);
    const tampered = await runAbtest(['verify', subsetFile, '--data-dir', subsetData]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(
      new RegExp(
        `^checkout-redesign ${subset?.analysis_id}: does not match: batch ${input?.batch_id} \\(.*events-sample\\.csv\\): its raw bytes changed`,
      ),
    );
  }, 300_000);
});
