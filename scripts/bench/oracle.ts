/**
 * The bench's oracle: every number `abtest run --json` prints for the bench files, kept from a
 * run before a change and compared after it, so a faster data path is known to give the same
 * answer. `tsx scripts/bench/oracle.ts save|check [--events 1000000]` runs the chain on the
 * generated file and on the traffic-shaped file of that size (each generated once and cached),
 * drops what differs between runs by design (`computed_at`, also in `provenance`, the data folder
 * in report paths, and the analysis's identity: its id, fingerprint and `analysis_version` follow
 * the code's version, so any change of the analysis code moves them), adds the SHA-256 of each
 * report CSV's rows (below its provenance line), of each batch's rejections CSV (every row error,
 * not only the sample the document shows) and of each curated file's rows and schema, and either
 * writes `bench/.cache/oracle-<shape>-<events>.json`
 * or compares with it, printing every path that moved (exit 1 when any did).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pl from 'nodejs-polars';
import { cache } from './bench-setup.ts';
import { benchFile, trafficFile } from './chain-bench.ts';
import { measureProcess } from './measure-process.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { events: { type: 'string', default: '1000000' } },
});
const mode = positionals[0];
if (mode !== 'save' && mode !== 'check') {
  process.stderr.write('usage: tsx scripts/bench/oracle.ts save|check [--events N]\n');
  process.exit(2);
}
const events = Number(values.events);
const bin = path.resolve(import.meta.dirname, '../../bin/abtest.js');

/**
 * The run's document with what varies by design taken out.
 * @param file - the events file
 * @returns the comparable document
 */
async function runDocument(file: string): Promise<unknown> {
  const dataDir = path.join(cache, `oracle-data-${path.basename(file)}`);
  await rm(dataDir, { recursive: true, force: true });
  const run = await measureProcess(process.execPath, [
    bin,
    'run',
    file,
    '--json',
    '--data-dir',
    dataDir,
  ]);
  if (run.code !== 0) throw new Error(`abtest run failed: ${run.stderr}`);
  const document = JSON.parse(run.stdout) as {
    experiments: {
      analysis_id?: string;
      computed_at?: string;
      provenance?: Record<string, unknown> | null;
      report?: { csv?: string; pdf?: string } | null;
    }[];
  };
  for (const experiment of document.experiments) {
    const analysisId = experiment.analysis_id ?? '';
    delete experiment.analysis_id;
    delete experiment.computed_at;
    for (const key of ['computed_at', 'fingerprint', 'analysis_version']) {
      delete experiment.provenance?.[key];
    }
    const report = experiment.report;
    if (report?.csv !== undefined) {
      const rows = (await readFile(report.csv, 'utf8')).replace(/^#[^\n]*\n/, '');
      Object.assign(report, { csv_sha256: sha256(rows) });
    }
    for (const key of ['csv', 'pdf'] as const) {
      if (report?.[key] !== undefined) {
        report[key] = path.relative(dataDir, report[key]).replaceAll(analysisId, '<analysis>');
      }
    }
  }
  const stored = {
    rejections: {} as Record<string, string>,
    curated: {} as Record<string, string>,
  };
  const buckets = path.join(dataDir, 'buckets');
  for (const file of await filesUnder(path.join(buckets, 'raw', 'rejections'))) {
    stored.rejections[path.relative(buckets, file)] = sha256(await readFile(file));
  }
  for (const file of await filesUnder(path.join(buckets, 'curated', 'events'))) {
    const frame = pl.readParquet(file);
    const schema = JSON.stringify(Object.entries(frame.schema).map(([k, v]) => [k, String(v)]));
    stored.curated[path.relative(buckets, file)] = sha256(`${schema}\n${frame.writeCSV()}`);
  }
  await rm(dataDir, { recursive: true, force: true });
  return { ...(document as object), stored };
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Every file under a folder, sorted (none when it does not exist). */
async function filesUnder(folder: string): Promise<string[]> {
  if (!existsSync(folder)) return [];
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Every path where two documents differ, with both values. */
function differences(before: unknown, after: unknown, at = ''): string[] {
  if (
    typeof before !== 'object' ||
    before === null ||
    typeof after !== 'object' ||
    after === null
  ) {
    return Object.is(before, after)
      ? []
      : [`${at}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`];
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((key) =>
    differences(
      (before as Record<string, unknown>)[key],
      (after as Record<string, unknown>)[key],
      `${at}${Array.isArray(before) ? `[${key}]` : `.${key}`}`,
    ),
  );
}

let moved = 0;
for (const [shape, file] of [
  ['generated', await benchFile(events)],
  ['traffic', await trafficFile(events)],
] as const) {
  const saved = path.join(cache, `oracle-${shape}-${events}.json`);
  const document = await runDocument(file);
  if (mode === 'save') {
    await writeFile(saved, `${JSON.stringify(document, null, 1)}\n`);
    console.log(JSON.stringify({ case: 'oracle saved', shape, events, file: saved }));
    continue;
  }
  if (!existsSync(saved)) throw new Error(`no ${saved}: run "oracle.ts save" before the change`);
  const before: unknown = JSON.parse(await readFile(saved, 'utf8'));
  const found = differences(before, document);
  moved += found.length;
  console.log(JSON.stringify({ case: 'oracle check', shape, events, moved: found.length }));
  for (const line of found.slice(0, 50)) console.log(`  ${line}`);
}
if (moved > 0) process.exitCode = 1;
