/**
 * The deployable build, run the way Cloud Functions runs it: `tsc -p tsconfig.build.json`
 * output laid out as `npm run package:functions` lays it out (dist/, sql/, package.json whose
 * `main` loads every function), served by the functions-framework binary with `--target` and
 * `--source`, on the local stack (PGlite, local folders). An HTTP target answers /healthz and an
 * API call that needs the migrations; a CloudEvent target takes a raw Pub/Sub push body at the
 * path the push subscriptions use; the storage target takes a binary CloudEvent.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAnalysisVersion } from '../../shared/provenance/analysis-version.ts';
import { repoRoot } from './code-facts.ts';

const token = 'built-output-token-0123456789';
let source: string;
const running: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts functions-framework on the staged source; resolves once it serves. */
async function serve(target: string, signature: 'http' | 'cloudevent'): Promise<string> {
  const port = await freePort();
  const binary = path.join(
    repoRoot,
    'node_modules/@google-cloud/functions-framework/build/src/main.js',
  );
  const child = spawn(process.execPath, [binary, `--target=${target}`, `--source=${source}`], {
    cwd: source,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      ABTEST_DATA_DIR: path.join(source, `data-${target}`),
      ABTEST_API_TOKEN: token,
      LOG_LEVEL: 'warning',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${target} did not start:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/^URL: /m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${target} exited with ${code}:\n${output}`));
    });
  });
  expect(output).toContain(`Function: ${target}\nSignature type: ${signature}\n`);
  return `http://127.0.0.1:${port}`;
}

/** A raw Pub/Sub push request body (https://cloud.google.com/pubsub/docs/push#receive_push). */
function pushBody(payload: unknown, messageId: string): string {
  return JSON.stringify({
    message: {
      data: Buffer.from(JSON.stringify(payload)).toString('base64'),
      attributes: { message_id: messageId },
      messageId: `${messageId}-delivery`,
      publishTime: '2026-01-01T00:00:00Z',
    },
    subscription: 'projects/abtest-local/subscriptions/abtest-analyze-rerun',
  });
}

beforeAll(async () => {
  source = await mkdtemp(path.join(os.tmpdir(), 'abtest-function-source-'));
  await promisify(execFile)(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '-p',
      path.join(repoRoot, 'tsconfig.build.json'),
      '--outDir',
      path.join(source, 'dist'),
    ],
    { cwd: repoRoot },
  );
  // The rest of `npm run build`: the analysis version, hashed from the sources.
  await promisify(execFile)(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
      path.join(repoRoot, 'scripts/write-analysis-version.ts'),
      path.join(source, 'dist/shared/provenance'),
    ],
    { cwd: repoRoot },
  );
  await cp(path.join(repoRoot, 'sql'), path.join(source, 'sql'), { recursive: true });
  await cp(path.join(repoRoot, 'package.json'), path.join(source, 'package.json'));
  // Cloud Build installs the dependencies into the source; here the repository's serve.
  await symlink(path.join(repoRoot, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  await mkdir(path.join(source, 'data-ingestUpload/buckets/raw/batches'), { recursive: true });
}, 120_000);

afterAll(async () => {
  for (const child of running) child.kill('SIGTERM');
  await Promise.all(
    running.map((child) =>
      child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null,
    ),
  );
  if (source !== undefined) await rm(source, { recursive: true, force: true });
});

describe('the staged build', () => {
  it('is laid out as package:functions lays it out, main loading every function', async () => {
    const manifest = JSON.parse(await readFile(path.join(source, 'package.json'), 'utf8'));
    expect(manifest.main).toBe('dist/functions/index.js');
    expect(manifest.scripts['gcp-build']).toBe('');
    const packaging: string = manifest.scripts['package:functions'];
    for (const part of [
      'dist/functions',
      'dist/shared',
      'package.json',
      'package-lock.json',
      'sql',
    ]) {
      expect(packaging).toContain(part);
    }
    const main = await readFile(path.join(source, manifest.main), 'utf8');
    for (const folder of ['ingest', 'validate', 'analyze', 'train', 'report', 'results']) {
      expect(main).toMatch(new RegExp(`^import ["']\\./${folder}/index\\.js["'];$`, 'm'));
    }
    // tsc rewrote every relative .ts import to .js: Node cannot load .ts files.
    const built = await readdir(path.join(source, 'dist'), { recursive: true });
    const scripts = built.filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(100);
    for (const name of scripts) {
      const text = await readFile(path.join(source, 'dist', name), 'utf8');
      expect(text, name).not.toMatch(/(from|import\()\s*["']\.{1,2}\/[^"']*\.ts["']/);
    }
  });

  it('knows the analysis version of its sources without them (and without git)', async () => {
    expect(await readdir(path.join(source, 'dist/shared/stats'))).not.toContain('index.ts');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(path.join(source, 'dist/shared/provenance/analysis-version.js'))});
         process.stdout.write(m.analysisVersion());`,
      ],
      { cwd: source, env: { PATH: process.env.PATH } },
    );
    expect(stdout).toBe(computeAnalysisVersion(repoRoot));
    expect(stdout).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves the results API, migrations applied from sql/', async () => {
    const url = await serve('results', 'http');
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const experiments = await fetch(`${url}/v1/experiments`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(experiments.status).toBe(200);
    expect(await experiments.json()).toEqual({ items: [], next_cursor: null });
    expect((await fetch(`${url}/v1/experiments`)).status).toBe(401);
  });

  it('serves analyze as a CloudEvent function fed by raw Pub/Sub push requests', async () => {
    const url = await serve('analyze', 'cloudevent');
    const rerun = await fetch(`${url}/projects/abtest-local/topics/abtest.rerun`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: pushBody({ version: 1 }, 'scheduler-1'),
    });
    expect(rerun.status).toBe(204);
    // A malformed message is recorded and acknowledged, never retried.
    const malformed = await fetch(`${url}/projects/abtest-local/topics/abtest.batch.validated`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: pushBody({ version: 2 }, 'bad-1'),
    });
    expect(malformed.status).toBe(204);
  });

  it('serves ingestUpload as a Cloud Storage CloudEvent function', async () => {
    const url = await serve('ingestUpload', 'cloudevent');
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-id': 'finalize-1',
        'ce-specversion': '1.0',
        'ce-type': 'google.cloud.storage.object.v1.finalized',
        'ce-source': '//storage.googleapis.com/projects/_/buckets/raw',
        'ce-subject': 'objects/batches/b_1/source.csv',
      },
      body: JSON.stringify({ bucket: 'raw', name: 'batches/b_1/source.csv' }),
    });
    expect(response.status).toBe(204);
  });
});
