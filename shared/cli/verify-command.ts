/**
 * `abtest verify RESULT.json [--data-dir DIR]`: takes the document `abtest run --json` printed
 * (or one experiment object, as `/summary` serves it) and recomputes each experiment's
 * fingerprint from the stored inputs: the local data folder, or the buckets and database the
 * environment configures. One line per experiment on stdout; it changes nothing stored.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { openBlobStore, openDatabase } from '../adapters/open-adapters.ts';
import { provenanceSchema } from '../result/result-document.ts';
import { verifyExperiment, type VerifyOutcome } from '../store/verify-provenance.ts';
import { keepFilesPrivate } from './private-umask.ts';
import { loadCliConfig } from './cli-config.ts';

const usage = 'Usage: abtest verify RESULT.json [--data-dir DIR]\n';

const experimentSchema = z.object({
  experiment_id: z.string(),
  analysis_id: z.string(),
  provenance: provenanceSchema.nullable().default(null),
});
const documentSchema = z.union([
  z.object({ experiments: z.array(experimentSchema).min(1) }),
  experimentSchema.transform((experiment) => ({ experiments: [experiment] })),
]);

/** The experiments of a result file, or a message saying why it is not one. */
async function readResult(file: string): Promise<z.infer<typeof documentSchema> | string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? 'error'})`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  const parsed = documentSchema.safeParse(json);
  return parsed.success
    ? parsed.data
    : 'not a result document (abtest run --json) nor an experiment object with experiment_id, analysis_id and provenance';
}

function describe(outcome: VerifyOutcome): string {
  const name = `${outcome.experiment_id} ${outcome.analysis_id}`;
  return outcome.matches
    ? `${name}: matches (fingerprint ${outcome.fingerprint ?? ''})\n`
    : `${name}: does not match: ${outcome.reasons.join('; ')}\n`;
}

/**
 * Runs `abtest verify`.
 * @param args - the arguments after `verify`
 * @returns 0 when every experiment matches, 1 when any does not, 2 for bad usage
 * @example await verifyCommand(['result.json', '--data-dir', '.abtest'])
 */
export async function verifyCommand(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { 'data-dir': { type: 'string' } },
    });
  } catch (error) {
    process.stderr.write(`abtest verify: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    process.stderr.write(usage);
    return 2;
  }
  const result = await readResult(file);
  if (typeof result === 'string') {
    process.stderr.write(`abtest verify: ${file}: ${result}\n`);
    return 2;
  }
  const config = loadCliConfig('abtest', process.env, parsed.values['data-dir']);
  if (config === undefined) return 2;
  if (config.database.kind === 'pglite' && !existsSync(config.database.dir)) {
    process.stderr.write(
      `abtest verify: ${config.dataDir} holds no abtest data (name the folder abtest run used with --data-dir)\n`,
    );
    return 2;
  }
  keepFilesPrivate();
  const db = await openDatabase(config);
  try {
    const blobs = await openBlobStore(config);
    let mismatches = 0;
    for (const experiment of result.experiments) {
      const outcome = await verifyExperiment(db, blobs, config.buckets, experiment);
      if (!outcome.matches) mismatches += 1;
      process.stdout.write(describe(outcome));
    }
    return mismatches === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}
