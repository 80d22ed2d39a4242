/**
 * Runs a command as a child process and measures it as a user would feel it: wall time from
 * spawn to exit, CPU time (user + system, every thread), and peak resident memory (GNU time's
 * maximum RSS when /usr/bin/time exists, else the highest VmRSS sampled from /proc every
 * 20 ms). Each JSON log line the command writes to stderr is a mark: when it came, the CPU
 * spent and the peak RSS reached by then (from /proc), so a chain's stages can be told apart.
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
  /** CPU seconds (user + system) of the command, every thread (0 when not known). */
  readonly cpuSeconds: number;
  /** The JSON log lines met on stderr, in order, with what had been spent by then. */
  readonly marks: readonly Mark[];
}

/** A log line and the cost so far when it came. */
export interface Mark {
  readonly message: string;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** The peak RSS so far (VmHWM), MB. */
  readonly peakRssMb: number;
}

const clockTicks = 100;

/** The process GNU time runs (its only child), or the process itself. */
async function measuredPid(pid: number, wrapped: boolean): Promise<number> {
  if (!wrapped) return pid;
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return Number(children.trim().split(/\s+/)[0] ?? pid) || pid;
}

/** CPU seconds and VmHWM of a live process, read from /proc. */
async function costSoFar(pid: number): Promise<{ cpuSeconds: number; peakRssMb: number }> {
  const [stat, status] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''),
    readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''),
  ]);
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: ticks / clockTicks, peakRssMb: Math.round(hwmKb / 1024) };
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
    ? spawn(gnuTime, ['-f', 'ABTEST_MAXRSS_KB=%M ABTEST_CPU_S=%U+%S', command, ...args], {
        env: { ...process.env, ...env },
      })
    : spawn(command, [...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const marks: Promise<Mark>[] = [];
  let partial = '';
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stderr += text;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const message = /^\{"severity":"[A-Z]+","message":"([^"]*)"/.exec(line)?.[1];
      if (message === undefined || child.pid === undefined) continue;
      const wall = (performance.now() - started) / 1000;
      marks.push(
        measuredPid(child.pid, timed)
          .then(costSoFar)
          .then((cost) => ({ message, wallSeconds: wall, ...cost })),
      );
    }
  });
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
  const cpu = /ABTEST_CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr);
  return {
    wallSeconds,
    peakRssMb: Math.round((timed ? reportedKb : sampledKb) / 1024),
    stdout,
    stderr: stderr.replace(/ABTEST_MAXRSS_KB=\d+ ABTEST_CPU_S=\S+\n?/, ''),
    code,
    cpuSeconds: cpu === null ? 0 : Number(cpu[1]) + Number(cpu[2]),
    marks: await Promise.all(marks),
  };
}
