/**
 * The corpus files too large to keep in the repository, written at test time, always the same:
 * CSVs of 10,000 columns and of 1,000 (the most read), a CSV whose lines are 1 MB long, and a
 * JSON array of 100,000 events.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';

/** The generated files, by name. */
export const generatedInputs = [
  'wide-10000-columns.csv',
  'wide-1000-columns.csv',
  'one-megabyte-lines.csv',
  'json-array-100000-objects.json',
] as const;

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  for (const line of lines) {
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function* wide(columns: number): Generator<string> {
  const extra = Array.from({ length: columns - 5 }, (_, i) => `attr_${String(i).padStart(5, '0')}`);
  yield `user_id,experiment_id,variant,event_type,timestamp,${extra.join(',')}\n`;
  for (let row = 0; row < 3; row += 1) {
    const values = extra.map((_, i) => `v${(i + row) % 7}`);
    yield `w${row},corpus-exp,${row % 2 === 0 ? 'control' : 'treatment'},exposure,2026-01-01T10:00:00Z,${values.join(',')}\n`;
  }
}

function* longLines(): Generator<string> {
  yield 'user_id,experiment_id,variant,event_type,timestamp,note\n';
  for (let row = 0; row < 4; row += 1) {
    const note = String.fromCharCode(97 + row).repeat(1024 * 1024);
    yield `l${row},corpus-exp,${row % 2 === 0 ? 'control' : 'treatment'},exposure,2026-01-01T10:00:00Z,${note}\n`;
  }
}

function* jsonArray(): Generator<string> {
  yield '[\n';
  for (let i = 0; i < 100_000; i += 1) {
    const event = {
      user_id: `j${i}`,
      experiment_id: 'corpus-exp',
      variant: i % 2 === 0 ? 'control' : 'treatment',
      event_type: i % 5 === 0 ? 'purchase' : 'exposure',
      timestamp: `2026-01-0${1 + (i % 9)}T10:00:00Z`,
      value: i % 5 === 0 ? (i % 97) + 0.5 : null,
    };
    yield `${JSON.stringify(event)}${i < 99_999 ? ',' : ''}\n`;
  }
  yield ']\n';
}

/**
 * Writes the generated files into a folder.
 * @param dir - the folder
 * @returns their paths, by name
 */
export async function writeGeneratedInputs(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const sources = {
    'wide-10000-columns.csv': () => wide(10_000),
    'wide-1000-columns.csv': () => wide(1000),
    'one-megabyte-lines.csv': longLines,
    'json-array-100000-objects.json': jsonArray,
  };
  for (const name of generatedInputs) {
    const file = path.join(dir, name);
    await writeLines(file, sources[name]());
    files[name] = file;
  }
  return files;
}
