/**
 * The scale benchmark (issue "10 million events on one laptop"): for 1M and 10M generated
 * events, `abtest run` end to end as a user runs it (start-up included, a fresh data folder),
 * against DuckDB grouping the same CSV; and the analyze stage alone on the curated Parquet,
 * against DuckDB grouping the same Parquet.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { measureProcess } from './measure-process.ts';
import { root, cache, bin } from './bench-setup.ts';

/** One line of the benchmark's output. */
export interface BenchLine {
  readonly case: string;
  readonly events: number;
  readonly wall_s: number;
  readonly peak_rss_mb: number;
  readonly duckdb_wall_s: number;
  readonly ratio: number;
}

const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** Users per size, so the generator writes about that many events (about 4.6 per user). */
const usersFor = (events: number) => Math.round(events / 4.62);

/**
 * Generates (once, cached) an events file of about `events` rows.
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
 * Runs the chain and the analyze-stage cases for one size.
 * @param events - the size
 * @returns the two lines
 */
export async function chainBench(events: number): Promise<BenchLine[]> {
  const file = await benchFile(events);
  const dataDir = path.join(cache, `data-${events}`);
  await rm(dataDir, { recursive: true, force: true });
  const run = await measureProcess(
    process.execPath,
    [bin, 'run', file, '--json', '--data-dir', dataDir],
    { LOG_LEVEL: 'warning' },
  );
  if (run.code !== 0) throw new Error(`abtest run failed: ${run.stderr}`);
  const accepted =
    (JSON.parse(run.stdout) as { batches: { accepted: number }[] }).batches[0]?.accepted ?? 0;
  const duckCsv = await measureProcess(tsx, [
    path.join(import.meta.dirname, 'duckdb-floor.ts'),
    'csv',
    file,
  ]);
  const chain: BenchLine = {
    case: 'abtest run (whole chain, CSV)',
    events: accepted,
    wall_s: round(run.wallSeconds),
    peak_rss_mb: run.peakRssMb,
    duckdb_wall_s: round(duckCsv.wallSeconds),
    ratio: round(run.wallSeconds / duckCsv.wallSeconds),
  };

  const curatedDir = path.join(
    dataDir,
    'buckets',
    'curated',
    'events',
    'experiment_id=checkout-redesign',
  );
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
  const analyzeSeconds = (JSON.parse(analyze.stdout) as { seconds: number }).seconds;
  const duckSeconds = (JSON.parse(duckParquet.stdout) as { seconds: number }).seconds;
  const stage: BenchLine = {
    case: 'analyze stage (curated Parquet)',
    events: accepted,
    wall_s: round(analyzeSeconds),
    peak_rss_mb: analyze.peakRssMb,
    duckdb_wall_s: round(duckSeconds),
    ratio: round(analyzeSeconds / duckSeconds),
  };
  await rm(dataDir, { recursive: true, force: true });
  return [chain, stage];
}

/**
 * The size of a file in MB, for the README.
 * @param file - the file
 * @returns megabytes
 */
export async function fileMb(file: string): Promise<number> {
  return Math.round((await stat(file)).size / 1e6);
}
