/**
 * Runs a command as a child process and measures it as a user would feel it: wall time from
 * spawn to exit, and peak resident memory (GNU time's maximum RSS when /usr/bin/time exists,
 * else the highest VmRSS sampled from /proc every 20 ms).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** What a run cost. */
export interface ProcessCost {
  readonly wallSeconds: number;
  readonly peakRssMb: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

const gnuTime = '/usr/bin/time';

/**
 * Runs a command to completion.
 * @param command - the program
 * @param args - its arguments
 * @param env - extra environment
 * @returns wall time, peak RSS and output
 */
export async function measureProcess(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<ProcessCost> {
  const timed = existsSync(gnuTime);
  const started = performance.now();
  const child = timed
    ? spawn(gnuTime, ['-f', 'ABTEST_MAXRSS_KB=%M', command, ...args], {
        env: { ...process.env, ...env },
      })
    : spawn(command, [...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let sampledKb = 0;
  const sampler = timed
    ? undefined
    : setInterval(() => {
        readFile(`/proc/${child.pid}/status`, 'utf8')
          .then((status) => {
            const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
            sampledKb = Math.max(sampledKb, kb);
          })
          .catch(() => undefined);
      }, 20);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  const wallSeconds = (performance.now() - started) / 1000;
  const reportedKb = Number(/ABTEST_MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? 0);
  return {
    wallSeconds,
    peakRssMb: Math.round((timed ? reportedKb : sampledKb) / 1024),
    stdout,
    stderr: stderr.replace(/ABTEST_MAXRSS_KB=\d+\n?/, ''),
    code,
  };
}
