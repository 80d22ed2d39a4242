/**
 * `abtest serve` as a child process, the way a user starts it: the bin entry, a port chosen by
 * the system, its own data folder. Used to test the whole stack over HTTP, SIGTERM and SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import type { ExperimentResult } from '../../shared/result/result-document.ts';
import { checkResponse, type CheckedResponse } from '../shared/http/openapi-contract.ts';

const bin = path.resolve('bin/abtest.js');

/** A running `abtest serve`. */
export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** Sends a signal and waits for the process to end; resolves with its exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `abtest serve --port 0`.
 * @param dataDir - its data folder
 * @param env - extra environment (ABTEST_API_TOKEN, ABTEST_BUS_REDELIVER...)
 * @param args - extra arguments (--bus pubsub)
 * @returns the process once it listens
 */
export async function startServe(
  dataDir: string,
  env: Readonly<Record<string, string>>,
  args: readonly string[] = [],
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--port', '0', '--data-dir', dataDir, ...args],
    {
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /serving on (http:\/\/[0-9.:]+)/.exec(stderr);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`abtest serve exited (${code}) before listening:\n${stderr}`)),
    );
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    url,
    child,
    log: () => stderr,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** An API client whose answers are checked against the OpenAPI document. */
export function client(url: string, token: string) {
  return async <T = unknown>(
    route: string,
    init: { method?: string; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<CheckedResponse<T>> => {
    const method = init.method ?? 'GET';
    const response = await fetch(`${url}${route}`, {
      method,
      body: init.body,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
      redirect: 'manual',
    });
    return checkResponse<T>(response, method);
  };
}

type BodyInit = string | Blob | FormData;

/**
 * Polls until a condition holds.
 * @param what - what is awaited, for the failure message
 * @param check - resolves with a value when done, undefined otherwise
 * @param timeoutMs - how long at most
 * @returns the value
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    expect(Date.now(), `timed out waiting for ${what}`).toBeLessThan(deadline);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Waits for the analysis of `batches` batches of an experiment, its two models and its report.
 * @param url - the server
 * @param token - a token that may read
 * @param experimentId - the experiment
 * @param batches - how many batches the final analysis reads
 * @param timeoutMs - how long at most
 * @returns the served summary
 */
export async function finalSummary(
  url: string,
  token: string,
  experimentId: string,
  batches: number,
  timeoutMs?: number,
): Promise<ExperimentResult> {
  const api = client(url, token);
  return eventually(
    `the analysis of ${batches} batches, its models and its report`,
    async () => {
      const history = await api<{ items: { input_batches: number; is_latest: boolean }[] }>(
        `/v1/experiments/${experimentId}/analyses`,
      );
      if (
        history.status !== 200 ||
        history.body.items.find((item) => item.is_latest)?.input_batches !== batches
      ) {
        return undefined;
      }
      const summary = await api<ExperimentResult>(`/v1/experiments/${experimentId}/summary`);
      return summary.body.report !== null && summary.body.models.length === 2
        ? summary.body
        : undefined;
    },
    timeoutMs,
  );
}
