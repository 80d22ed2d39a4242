/**
 * What `abtest serve` says about its token: nothing of a token from the environment; a token it
 * generates is printed once, on its first start, and only to a terminal (never to a log file or
 * a pipe); later starts say where it is kept.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from './serve-process.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-serve-token-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `abtest serve` in a pseudo-terminal (util-linux `script`) until it listens, then stops it. */
async function serveOnTerminal(dataDir: string): Promise<string> {
  const command = [process.execPath, path.resolve('bin/abtest.js'), 'serve', '--port', '0']
    .concat(['--data-dir', dataDir])
    .map((word) => `'${word}'`)
    .join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    detached: true,
    env: { ...process.env, ABTEST_API_TOKEN: '', LOG_LEVEL: 'warning' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (/results:/.test(output)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`script exited (${code}):\n${output}`)));
    });
  } finally {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
  return output;
}

describe('abtest serve and its token', () => {
  it('never prints a token that came from ABTEST_API_TOKEN', async () => {
    const token = 'environment-token-0123456789abcdef';
    const serve = await startServe(path.join(dir, 'env'), { ABTEST_API_TOKEN: token });
    expect(await serve.stop('SIGTERM')).toBe(0);
    expect(serve.log()).toMatch(/serving on/);
    expect(serve.log()).not.toContain(token);
    expect(serve.log()).toMatch(/token: {4}from ABTEST_API_TOKEN/);
  });

  it('never writes a generated token to a log (stderr not a terminal), only where it is kept', async () => {
    const dataDir = path.join(dir, 'piped');
    const serve = await startServe(dataDir, { ABTEST_API_TOKEN: '' });
    expect(await serve.stop('SIGTERM')).toBe(0);
    const token = (await readFile(path.join(dataDir, 'api-token'), 'utf8')).trim();
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(serve.log()).not.toContain(token);
    expect(serve.log()).toContain(path.join(dataDir, 'api-token'));
  });

  it('prints a generated token once, to the terminal of its first start', async () => {
    const dataDir = path.join(dir, 'terminal');
    const first = await serveOnTerminal(dataDir);
    const token = (await readFile(path.join(dataDir, 'api-token'), 'utf8')).trim();
    expect(first.split(token).length - 1).toBe(1);
    const second = await serveOnTerminal(dataDir);
    expect(second).not.toContain(token);
    expect(second).toContain(path.join(dataDir, 'api-token'));
  });
});
