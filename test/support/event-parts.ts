/**
 * Generated events split into three CSV files, as three uploads of one experiment (each with
 * the header): for the tests that send a file in parts and compare with a clean run of them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { emptyTruth, generateEvents } from '../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../shared/generate/write-generated-file.ts';

/**
 * Writes generated events (no true effect) as three CSV parts.
 * @param dir - where (the parts are `part-0.csv` to `part-2.csv`, beside `whole.csv`)
 * @param options - the generator's users, seed and, if not the default, experiment
 * @returns the three files, in order
 */
export async function eventParts(
  dir: string,
  options: { readonly users: number; readonly seed: number; readonly experimentId?: string },
): Promise<string[]> {
  const whole = path.join(dir, 'whole.csv');
  await writeGeneratedFile(whole, 'csv', generateEvents(options, emptyTruth(options)));
  const [header, ...lines] = (await readFile(whole, 'utf8')).trimEnd().split('\n');
  const parts: string[] = [];
  for (let i = 0; i < 3; i += 1) {
    const part = path.join(dir, `part-${i}.csv`);
    const slice = lines.slice(
      Math.floor((i * lines.length) / 3),
      Math.floor(((i + 1) * lines.length) / 3),
    );
    await writeFile(part, `${header}\n${slice.join('\n')}\n`);
    parts.push(part);
  }
  return parts;
}
