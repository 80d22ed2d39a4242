/**
 * Cold start of each function as Cloud Functions starts it: the functions built with `tsc`
 * (into `bench/.cache/dist`, as `npm run build` does), then, per function, a fresh Node process
 * importing the built module until the function is registered with functions-framework. Prints
 * the import's milliseconds and the process's whole wall (Node's own start-up included), the
 * median of three processes each.
 */
import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { cache } from './bench-setup.ts';
import { measureProcess } from './measure-process.ts';

/** One function's cold start. */
export interface ColdStart {
  readonly function: string;
  /** From the first line of the process to the function registered. */
  readonly import_ms: number;
  /** The CPU the import took (every thread): what a loaded machine does not inflate. */
  readonly import_cpu_ms: number;
  /** Spawn to exit, Node's start-up included. */
  readonly process_ms: number;
  readonly peak_rss_mb: number;
}

const root = path.resolve(import.meta.dirname, '../..');
const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Builds the functions and times each one's import.
 * @param repeats - processes per function
 * @returns one line per function
 */
export async function coldStartBench(repeats = 3): Promise<ColdStart[]> {
  const outDir = path.join(cache, 'dist');
  await rm(outDir, { recursive: true, force: true });
  await promisify(execFile)(
    path.join(root, 'node_modules', '.bin', 'tsc'),
    ['-p', path.join(root, 'tsconfig.build.json'), '--outDir', outDir],
    { cwd: root },
  );
  const names = (await readdir(path.join(root, 'functions'), { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const lines: ColdStart[] = [];
  for (const name of names) {
    const module = pathToFileURL(path.join(outDir, 'functions', name, 'index.js')).href;
    const script = [
      'const started = performance.now();',
      'const cpu = process.cpuUsage();',
      `await import(${JSON.stringify(module)});`,
      "const { getFunction } = await import('@google-cloud/functions-framework/testing');",
      `if (getFunction(${JSON.stringify(name)}) === undefined) throw new Error('not registered');`,
      'const used = process.cpuUsage(cpu);',
      'console.log(performance.now() - started, (used.user + used.system) / 1000);',
    ].join('\n');
    const runs = [];
    for (let i = 0; i < repeats; i += 1) {
      const run = await measureProcess(process.execPath, ['--input-type=module', '-e', script]);
      if (run.code !== 0) throw new Error(`${name} did not start: ${run.stderr}`);
      runs.push(run);
    }
    lines.push({
      function: name,
      import_ms: Math.round(median(runs.map((run) => Number(run.stdout.trim().split(' ')[0])))),
      import_cpu_ms: Math.round(median(runs.map((run) => Number(run.stdout.trim().split(' ')[1])))),
      process_ms: Math.round(median(runs.map((run) => run.wallSeconds * 1000))),
      peak_rss_mb: median(runs.map((run) => run.peakRssMb)),
    });
  }
  await rm(outDir, { recursive: true, force: true });
  return lines;
}
