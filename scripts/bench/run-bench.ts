/**
 * `npm run bench`: the scale benchmark at 1M and 10M events, the load benchmark of
 * `abtest serve`, assignments per second (in process and over HTTP with the bulk route), and a
 * 2 MB attribute value through the whole chain. Prints one JSON line per case and writes the
 * tables into the README's performance section (between the bench markers). Not part of
 * `npm test`. `--sizes 1000000` runs only the given sizes; `--no-load` skips the load test;
 * `--no-assign` skips the assignment cases; `--no-long-field` skips the 2 MB attribute value
 * case. The long-field case has a bound: when the chain takes longer than it, the bench says so
 * and exits 1.
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
import { chainBench, type BenchLine } from './chain-bench.ts';
import { loadBench, type LoadResult } from './load-bench.ts';
import { longFieldBench, type LongFieldResult } from './long-field-bench.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000,10000000' },
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
const lines: BenchLine[] = [];
for (const size of sizes) {
  for (const line of await chainBench(size)) {
    lines.push(line);
    console.log(JSON.stringify(line));
  }
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
if (!values['no-readme']) await writeReadme(lines, load, assign, longField);

async function writeReadme(
  results: readonly BenchLine[],
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
    '| case | events | wall (s) | peak RSS (MB) | DuckDB (s) | ratio |',
    '|---|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.case} | ${r.events.toLocaleString('en-US')} | ${r.wall_s} | ${r.peak_rss_mb} | ${r.duckdb_wall_s} | ${r.ratio} |`,
    ),
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
