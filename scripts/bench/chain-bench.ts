/**
 * The scale benchmark (issues "10 million events on one laptop" and "one pass over the data"):
 * for a size and a file shape, `abtest run` end to end as a user runs it (start-up included, a
 * fresh data folder), against DuckDB grouping the same CSV; its stages, told apart by the log
 * lines each ends with; and the analyze stage alone on the curated Parquet, against DuckDB
 * grouping the same Parquet. Two shapes: `generated` (`abtest generate`, about 4.6 events per
 * user with the real-world mess) and `traffic` (about 1.3 events per user, three variants; see
 * traffic-file.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { bin, cache, root } from './bench-setup.ts';
import { measureProcess, type Mark, type ProcessCost } from './measure-process.ts';

/** The shapes of bench file. */
export type Shape = 'generated' | 'traffic';

/** One line of the benchmark's output. */
export interface BenchLine {
  readonly case: string;
  readonly shape: Shape;
  readonly events: number;
  readonly wall_s: number;
  readonly cpu_s: number;
  readonly peak_rss_mb: number;
  /** The peak RSS of every run, when the case ran more than once. */
  readonly peak_rss_runs_mb?: readonly number[];
  readonly duckdb_wall_s: number;
  readonly duckdb_cpu_s: number;
  readonly ratio: number;
}

/** One stage of the chain, from the log line that ends it. */
export interface StageCost {
  readonly stage: string;
  readonly wall_s: number;
  readonly cpu_s: number;
  /** The process's peak RSS when the stage ended (it never goes down). */
  readonly peak_rss_so_far_mb: number;
}

/** What one size and shape measured. */
export interface ChainResult {
  /** The size asked for (the lines count the events accepted). */
  readonly size: number;
  readonly chain: BenchLine;
  readonly analyze: BenchLine;
  /** The DuckDB form of the warehouse query (the moments table) on the same curated Parquet. */
  readonly warehouse: BenchLine;
  readonly stages: readonly StageCost[];
}

const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** Users per size, so the generator writes about that many events (about 4.6 per user). */
const usersFor = (events: number) => Math.round(events / 4.62);

/**
 * Generates (once, cached) an events file of about `events` rows with `abtest generate`.
 * @param events - the size
 * @returns the file
 */
export async function benchFile(events: number): Promise<string> {
  await mkdir(cache, { recursive: true });
  const file = path.join(cache, `events-${events}.csv`);
  if (!existsSync(file)) {
    const made = await measureProcess(process.execPath, [
      bin,
      'generate',
      '--users',
      String(usersFor(events)),
      '--seed',
      '1',
      '-o',
      file,
    ]);
    if (made.code !== 0) throw new Error(`generate failed: ${made.stderr}`);
  }
  return file;
}

/**
 * Writes (once, cached) a traffic-shaped events file of `events` rows.
 * @param events - the size
 * @returns the file
 */
export async function trafficFile(events: number): Promise<string> {
  await mkdir(cache, { recursive: true });
  const file = path.join(cache, `traffic-${events}.csv`);
  if (!existsSync(file)) {
    const partial = `${file}.partial`;
    const made = await measureProcess(tsx, [
      path.join(import.meta.dirname, 'traffic-file.ts'),
      String(events),
      partial,
    ]);
    if (made.code !== 0) throw new Error(`traffic file failed: ${made.stderr}`);
    await rm(file, { force: true });
    await rename(partial, file);
  }
  return file;
}

/** The log line that ends each stage of `abtest run`, in order. */
const stageEnds = [
  ['ingest', 'batch received'],
  ['validate', 'batch validated'],
  ['analyze', 'analysis completed'],
  ['train', 'models trained'],
  ['report', 'report written'],
] as const;

/**
 * The stages of a run, from its marks: each from the end of the one before (the process start
 * for the first) to its own log line; `exit` is what follows the last (reading the result back,
 * closing the stores).
 */
function stageCosts(run: ProcessCost): StageCost[] {
  const costs: StageCost[] = [];
  let before: Pick<Mark, 'wallSeconds' | 'cpuSeconds'> = { wallSeconds: 0, cpuSeconds: 0 };
  for (const [stage, message] of stageEnds) {
    const mark = run.marks.find((m) => m.message === message);
    if (mark === undefined) continue;
    costs.push({
      stage,
      wall_s: round(mark.wallSeconds - before.wallSeconds),
      cpu_s: round(mark.cpuSeconds - before.cpuSeconds),
      peak_rss_so_far_mb: mark.peakRssMb,
    });
    before = mark;
  }
  costs.push({
    stage: 'exit',
    wall_s: round(run.wallSeconds - before.wallSeconds),
    cpu_s: round(run.cpuSeconds - before.cpuSeconds),
    peak_rss_so_far_mb: run.peakRssMb,
  });
  return costs;
}

/**
 * Runs the chain (`runs` times, for the spread of its peak RSS) and the analyze-stage case for
 * one size and shape.
 * @param events - the size
 * @param shape - which file
 * @param runs - how many times to run the whole chain (the first run's times are reported)
 * @returns the chain and analyze lines and the chain's stages
 */
export async function chainBench(events: number, shape: Shape, runs = 1): Promise<ChainResult> {
  const file = shape === 'generated' ? await benchFile(events) : await trafficFile(events);
  const dataDir = path.join(cache, `data-${shape}-${events}`);
  const chainRuns: ProcessCost[] = [];
  for (let i = 0; i < runs; i += 1) {
    await rm(dataDir, { recursive: true, force: true });
    const run = await measureProcess(
      process.execPath,
      [bin, 'run', file, '--json', '--data-dir', dataDir],
      { LOG_LEVEL: 'info' },
    );
    if (run.code !== 0) throw new Error(`abtest run failed: ${run.stderr}`);
    chainRuns.push(run);
  }
  const [run] = chainRuns as [ProcessCost, ...ProcessCost[]];
  const accepted =
    (JSON.parse(run.stdout) as { batches: { accepted: number }[] }).batches[0]?.accepted ?? 0;
  const duckCsv = await measureProcess(tsx, [
    path.join(import.meta.dirname, 'duckdb-floor.ts'),
    'csv',
    file,
  ]);
  const chain: BenchLine = {
    case: 'abtest run (whole chain, CSV)',
    shape,
    events: accepted,
    wall_s: round(run.wallSeconds),
    cpu_s: round(run.cpuSeconds),
    peak_rss_mb: Math.max(...chainRuns.map((r) => r.peakRssMb)),
    ...(runs > 1 ? { peak_rss_runs_mb: chainRuns.map((r) => r.peakRssMb) } : {}),
    duckdb_wall_s: round(duckCsv.wallSeconds),
    duckdb_cpu_s: round(duckCsv.cpuSeconds),
    ratio: round(run.wallSeconds / duckCsv.wallSeconds),
  };

  const eventsDir = path.join(dataDir, 'buckets', 'curated', 'events');
  const [experimentDir] = await readdir(eventsDir);
  if (experimentDir === undefined) throw new Error(`nothing curated under ${eventsDir}`);
  const curatedDir = path.join(eventsDir, experimentDir);
  const curated = (await readdir(curatedDir)).map((name) => path.join(curatedDir, name));
  const analyze = await measureProcess(tsx, [
    path.join(import.meta.dirname, 'analyze-stage.ts'),
    ...curated,
  ]);
  const duckParquet = await measureProcess(tsx, [
    path.join(import.meta.dirname, 'duckdb-floor.ts'),
    'parquet',
    ...curated,
  ]);
  const duckSeconds = (JSON.parse(duckParquet.stdout) as { seconds: number }).seconds;
  // A script timed on the curated Parquet, against DuckDB's group-by of the same files (the
  // seconds are the script's own, start-up excluded).
  const againstParquet = (label: string, measured: ProcessCost): BenchLine => {
    const seconds = (JSON.parse(measured.stdout) as { seconds: number }).seconds;
    return {
      case: label,
      shape,
      events: accepted,
      wall_s: round(seconds),
      cpu_s: round(measured.cpuSeconds),
      peak_rss_mb: measured.peakRssMb,
      duckdb_wall_s: round(duckSeconds),
      duckdb_cpu_s: round(duckParquet.cpuSeconds),
      ratio: round(seconds / duckSeconds),
    };
  };
  const stage = againstParquet('analyze stage (curated Parquet)', analyze);
  const moments = await measureProcess(tsx, [
    path.join(import.meta.dirname, 'warehouse-moments.ts'),
    experimentDir.replace(/^experiment_id=/, ''),
    ...curated,
  ]);
  const warehouse = againstParquet('moments query, DuckDB form (ABTEST_ENGINE=duckdb)', moments);
  await rm(dataDir, { recursive: true, force: true });
  return { size: events, chain, analyze: stage, warehouse, stages: stageCosts(run) };
}

/**
 * The size of a file in MB, for the README.
 * @param file - the file
 * @returns megabytes
 */
export async function fileMb(file: string): Promise<number> {
  return Math.round((await stat(file)).size / 1e6);
}
