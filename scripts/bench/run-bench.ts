/**
 * `npm run bench`: the scale benchmark at 1M and 10M events in two shapes (the generated file,
 * about 4.6 events per user, and a traffic-shaped one, about 1.3), with each chain's stages, the
 * peak RSS of 5 runs at the largest size and the 1M -> 10M ratios; the cold start of each
 * function; the load benchmark of `abtest serve`, assignments per second (in process and over
 * HTTP with the bulk route), and a 2 MB attribute value through the whole chain. Prints one JSON
 * line per case and writes the tables into the README's performance section (between the bench
 * markers). Not part of `npm test`. `--sizes 1000000` runs only the given sizes;
 * `--shapes traffic` only the given shapes; `--rss-runs 1` runs the largest size once;
 * `--with-100m` adds the traffic-shaped 100M-event file (generated once, about 9 GB, cached);
 * `--no-cold-start`, `--no-load`, `--no-assign`, `--no-long-field` skip those cases. The
 * long-field case has a bound: when the chain takes longer than it, the bench says so and exits
 * 1. `tsx scripts/bench/oracle.ts save|check` keeps the answers the same across a change.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  httpBench,
  inProcessBench,
  type HttpResult,
  type InProcessResult,
} from './assignment-bench.ts';
import { chainBench, type ChainResult, type Shape } from './chain-bench.ts';
import { coldStartBench, type ColdStart } from './cold-start.ts';
import { loadBench, type LoadResult } from './load-bench.ts';
import { longFieldBench, type LongFieldResult } from './long-field-bench.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000,10000000' },
    shapes: { type: 'string', default: 'generated,traffic' },
    'rss-runs': { type: 'string', default: '5' },
    'with-100m': { type: 'boolean', default: false },
    'no-cold-start': { type: 'boolean', default: false },
    'no-load': { type: 'boolean', default: false },
    'no-long-field': { type: 'boolean', default: false },
    'no-assign': { type: 'boolean', default: false },
    'no-readme': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes
  .split(',')
  .filter((size) => size.trim() !== '')
  .map(Number);
let longField: LongFieldResult | undefined;
if (!values['no-long-field']) {
  longField = await longFieldBench();
  console.log(JSON.stringify(longField));
  if (!longField.within_bound) {
    console.error(
      `the chain took ${longField.wall_s} s with a 2 MB attribute value, past its bound of ${longField.bound_s} s`,
    );
    process.exitCode = 1;
  }
}
const shapes = values.shapes.split(',').filter((shape) => shape !== '') as Shape[];
const largest = Math.max(...sizes);
const results: ChainResult[] = [];
for (const shape of shapes) {
  const runs = [...sizes.map((size) => [size, shape] as const)];
  if (values['with-100m'] && shape === 'traffic') runs.push([100_000_000, shape]);
  for (const [size, which] of runs) {
    const result = await chainBench(size, which, size === largest ? Number(values['rss-runs']) : 1);
    results.push(result);
    console.log(JSON.stringify(result.chain));
    console.log(
      JSON.stringify({ case: 'stages', shape: which, events: size, stages: result.stages }),
    );
    console.log(JSON.stringify(result.analyze));
    console.log(JSON.stringify(result.warehouse));
  }
}
const scaling = shapes.flatMap((shape) => {
  const [small, large] = [Math.min(...sizes), largest].map((size) =>
    results.find((r) => r.chain.shape === shape && r.size === size),
  );
  if (small === undefined || large === undefined || small === large) return [];
  const line = {
    case: 'scaling',
    shape,
    from: small.size,
    to: large.size,
    time_ratio: Number((large.chain.wall_s / small.chain.wall_s).toFixed(2)),
    cpu_ratio: Number((large.chain.cpu_s / small.chain.cpu_s).toFixed(2)),
    memory_ratio: Number((large.chain.peak_rss_mb / small.chain.peak_rss_mb).toFixed(2)),
  };
  console.log(JSON.stringify(line));
  return [line];
});
let coldStarts: ColdStart[] | undefined;
if (!values['no-cold-start']) {
  coldStarts = await coldStartBench();
  for (const line of coldStarts) console.log(JSON.stringify({ case: 'cold start', ...line }));
}
let load: LoadResult | undefined;
if (!values['no-load']) {
  load = await loadBench();
  console.log(JSON.stringify({ case: 'abtest serve load', ...load }));
}
let assign: { inProcess: InProcessResult; http: HttpResult } | undefined;
if (!values['no-assign']) {
  const inProcess = inProcessBench();
  console.log(JSON.stringify({ case: 'assignments in process', ...inProcess }));
  const overHttp = await httpBench();
  console.log(JSON.stringify({ case: 'assignments over HTTP (bulk)', ...overHttp }));
  assign = { inProcess, http: overHttp };
}
if (!values['no-readme']) {
  await writeReadme(results, scaling, coldStarts, load, assign, longField);
}

async function writeReadme(
  chains: readonly ChainResult[],
  scalingLines: readonly {
    shape: string;
    from: number;
    to: number;
    time_ratio: number;
    cpu_ratio: number;
    memory_ratio: number;
  }[],
  coldStartLines: readonly ColdStart[] | undefined,
  loadResult: LoadResult | undefined,
  assignResult: { inProcess: InProcessResult; http: HttpResult } | undefined,
  longFieldResult: LongFieldResult | undefined,
) {
  const readme = path.resolve(import.meta.dirname, '../../README.md');
  const text = await readFile(readme, 'utf8');
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const table = [
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, ${machine}.`,
    '',
    '| case | shape | events | wall (s) | CPU (s) | peak RSS (MB) | DuckDB wall / CPU (s) | ratio (wall) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...chains.flatMap((result) =>
      [result.chain, result.analyze, result.warehouse].map(
        (r) =>
          `| ${r.case} | ${r.shape} | ${r.events.toLocaleString('en-US')} | ${r.wall_s} | ${r.cpu_s} | ${r.peak_rss_runs_mb?.join(', ') ?? r.peak_rss_mb} | ${r.duckdb_wall_s} / ${r.duckdb_cpu_s} | ${r.ratio} |`,
      ),
    ),
    '',
    '| chain stages (wall / CPU s, peak RSS so far MB) | shape | events | ingest | validate | analyze | train | report | exit |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...chains.map(
      (result) =>
        `| | ${result.chain.shape} | ${result.size.toLocaleString('en-US')} | ${[
          'ingest',
          'validate',
          'analyze',
          'train',
          'report',
          'exit',
        ]
          .map((stage) => {
            const cost = result.stages.find((s) => s.stage === stage);
            return cost === undefined
              ? '—'
              : `${cost.wall_s} / ${cost.cpu_s}, ${cost.peak_rss_so_far_mb}`;
          })
          .join(' | ')} |`,
    ),
    ...(scalingLines.length === 0
      ? []
      : [
          '',
          '| 1M -> 10M | shape | time | CPU | memory |',
          '|---|---|---:|---:|---:|',
          ...scalingLines.map(
            (line) =>
              `| ${line.from.toLocaleString('en-US')} -> ${line.to.toLocaleString('en-US')} | ${line.shape} | ${line.time_ratio}x | ${line.cpu_ratio}x | ${line.memory_ratio}x |`,
          ),
        ]),
    ...(coldStartLines === undefined
      ? []
      : [
          '',
          '| cold start (built module, median of 3) | import to registered (ms) | its CPU (ms) | process (ms) | peak RSS (MB) |',
          '|---|---:|---:|---:|---:|',
          ...coldStartLines.map(
            (line) =>
              `| ${line.function} | ${line.import_ms} | ${line.import_cpu_ms} | ${line.process_ms} | ${line.peak_rss_mb} |`,
          ),
        ]),
    ...(loadResult === undefined
      ? []
      : [
          '',
          '| `abtest serve` under load | value |',
          '|---|---:|',
          `| events posted (8 clients, 240 NDJSON batches of 1,000) | ${loadResult.events.toLocaleString('en-US')} |`,
          `| accepted (202, durably stored) per second | ${loadResult.accepted_events_per_s.toLocaleString('en-US')} |`,
          `| request latency p50 / p99 (ms) | ${loadResult.p50_ms} / ${loadResult.p99_ms} |`,
          `| analysis counts every user and purchase, seconds after the last upload | ${loadResult.analysed_within_s} |`,
        ]),
    ...(assignResult === undefined
      ? []
      : [
          '',
          '| assignments | per second | p99 | server CPU per million |',
          '|---|---:|---:|---:|',
          `| in process (${assignResult.inProcess.assignments.toLocaleString('en-US')} distinct users, best of 5 passes) | ${assignResult.inProcess.assignments_per_s.toLocaleString('en-US')} | ${assignResult.inProcess.p99_ns} ns per assignment | — |`,
          `| over HTTP, \`POST /v1/assignments/bulk\` (${assignResult.http.requests} requests of ${(assignResult.http.assignments / assignResult.http.requests).toLocaleString('en-US')}, 2 clients) | ${assignResult.http.assignments_per_s.toLocaleString('en-US')} | ${assignResult.http.p99_ms} ms per request | ${assignResult.http.server_cpu_s_per_million} s |`,
        ]),
    ...(longFieldResult === undefined
      ? []
      : [
          '',
          '| one 2 MB attribute value (sample events, whole chain) | value |',
          '|---|---:|',
          `| wall (s), with it / without it | ${longFieldResult.wall_s} / ${longFieldResult.baseline_wall_s} |`,
          `| bound (s): 3x without it, at most 60 s more | ${longFieldResult.bound_s} |`,
          `| peak RSS (MB) | ${longFieldResult.peak_rss_mb} |`,
        ]),
  ].join('\n');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const at = text.indexOf(start);
  const until = text.indexOf(end);
  if (at < 0 || until < at) {
    console.error(`README.md has no ${start} ... ${end} section; tables not written`);
    return;
  }
  await writeFile(readme, `${text.slice(0, at + start.length)}\n${table}\n${text.slice(until)}`);
}
