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
