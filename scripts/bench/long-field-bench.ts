/**
 * A 2 MB attribute value through the whole chain (issue 17, defect 7): `abtest run` on the
 * sample events with one more attribute column, whose value on one user's exposure is 2,000,000
 * characters (so it is a level of the models, a coefficient's term, a line of the report),
 * against the same file with short values. The chain must stay linear in its input: the bound
 * is generous, of the benchmark kind (the long file may take at most 3 times as long as the
 * short one, and never more than a minute past it); before the report cut long text for
 * display it took hours, growing with the square of the value's length.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { measureProcess } from './measure-process.ts';
import { root, cache, bin } from './bench-setup.ts';

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** What the case measured. */
export interface LongFieldResult {
  readonly case: string;
  readonly field_chars: number;
  readonly wall_s: number;
  readonly baseline_wall_s: number;
  readonly peak_rss_mb: number;
  readonly bound_s: number;
  readonly within_bound: boolean;
}

/** The sample events with a `note` attribute: short everywhere, or 2 MB on one exposure. */
async function writeFiles(chars: number): Promise<{ long: string; short: string }> {
  await mkdir(cache, { recursive: true });
  const [header, ...rows] = (await readFile(path.join(root, 'datasets/events-sample.csv'), 'utf8'))
    .trimEnd()
    .split('\n');
  const eventType = header?.split(',').indexOf('event_type') ?? -1;
  const firstExposure = rows.findIndex((row) => row.split(',')[eventType] === 'exposure');
  const note = (index: number, long: boolean) =>
    long && index === firstExposure ? 'x'.repeat(chars) : `n${index % 3}`;
  const file = (long: boolean) =>
    `${header},note\n${rows.map((row, index) => `${row},${note(index, long)}`).join('\n')}\n`;
  const long = path.join(cache, `events-sample-note-${chars}.csv`);
  const short = path.join(cache, 'events-sample-note-short.csv');
  await writeFile(long, file(true));
  await writeFile(short, file(false));
  return { long, short };
}

async function runChain(file: string, dataDir: string) {
  await rm(dataDir, { recursive: true, force: true });
  const run = await measureProcess(process.execPath, [bin, 'run', file, '--data-dir', dataDir]);
  await rm(dataDir, { recursive: true, force: true });
  if (run.code !== 0) throw new Error(`abtest run ${file} failed:\n${run.stderr}`);
  return run;
}

/**
 * Runs the case.
 * @param chars - the long value's length (2,000,000)
 * @returns the measurements and whether the bound held
 */
export async function longFieldBench(chars = 2_000_000): Promise<LongFieldResult> {
  const { long, short } = await writeFiles(chars);
  const baseline = await runChain(short, path.join(cache, 'long-field-short'));
  const measured = await runChain(long, path.join(cache, 'long-field-long'));
  const bound = Math.min(3 * baseline.wallSeconds, baseline.wallSeconds + 60);
  return {
    case: 'abtest run with a 2 MB attribute value (sample events)',
    field_chars: chars,
    wall_s: round(measured.wallSeconds),
    baseline_wall_s: round(baseline.wallSeconds),
    peak_rss_mb: Math.round(measured.peakRssMb),
    bound_s: round(bound),
    within_bound: measured.wallSeconds <= bound,
  };
}
