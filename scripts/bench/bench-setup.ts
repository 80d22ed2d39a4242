/**
 * What the benchmarks share: where the repository, the `abtest` command and the generated
 * files are, the API token they serve with, and how to wait for `abtest serve` to listen.
 */
import type { spawn } from 'node:child_process';
import path from 'node:path';

/** The repository root. */
export const root = path.resolve(import.meta.dirname, '../..');
/** The `abtest` command. */
export const bin = path.join(root, 'bin', 'abtest.js');
/** Where generated benchmark files are kept between runs. */
export const cache = path.join(root, 'bench', '.cache');
/** The API token the benchmarks' servers use. */
export const token = 'bench-token-0123456789abcdef';

/**
 * Waits for `abtest serve` to say where it listens.
 * @param server - the spawned `abtest serve`
 * @returns its URL
 * @throws when the server exits first
 * @example const url = await listening(spawn(process.execPath, [bin, 'serve', '--port', '0']))
 */
export function listening(server: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    server.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /serving on (http:\/\/[0-9.:]+)/.exec(stderr);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
}

/**
 * The nearest-rank percentile of sorted values.
 * @param sorted - the values, ascending
 * @param p - the fraction, e.g. 0.99
 * @returns the value, or 0 when there is none
 * @example percentile([1, 2, 3, 4], 0.5) // 2
 */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

/**
 * Sends `count` requests from `clients` concurrent clients, each taking the next index, and times
 * each one.
 * @param count - how many requests
 * @param clients - how many at a time
 * @param send - sends request `index`; throws when its answer is wrong
 * @returns every request's latency in milliseconds, ascending
 * @example const latencies = await timedRequests(100, 8, (i) => post(bodies[i]))
 */
export async function timedRequests(
  count: number,
  clients: number,
  send: (index: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const index = next++;
        const sent = performance.now();
        await send(index);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}
