/**
 * `abtest stats --vectors FILE`: computes every case of a reference-vector file (the format of
 * `../shared/reference/stats_vectors.json`) from its inputs and prints one JSON document with the
 * same sections, each case `{ "input": ..., "computed": ... }`.
 */
import { readFile } from 'node:fs/promises';
import { computeVectors, VectorFileError } from '../stats/compute-vectors.ts';
import type { SectionComputer } from '../stats/vector-sections.ts';
import { computeRegressionCase, regressionCaseInputSchema } from '../models/regression-vector.ts';
import { computeCountModelCase, countModelCaseInputSchema } from '../models/count-model-vectors.ts';

const usage = 'Usage: abtest stats --vectors FILE\n';

const countModel: SectionComputer = (input) =>
  computeCountModelCase(countModelCaseInputSchema.parse(input));

/**
 * Sections computed outside the statistics layer: the regression models of
 * `stats_vectors.json` and the count and regularised models of `model_vectors.json`.
 */
export const additionalVectorSections: Readonly<Record<string, SectionComputer>> = {
  regression: (input) => computeRegressionCase(regressionCaseInputSchema.parse(input)),
  poisson: countModel,
  quasi_poisson: countModel,
  ridge_logistic: countModel,
};

function vectorsPath(args: readonly string[]): string | null {
  const [first, second, ...rest] = args;
  if (rest.length > 0) return null;
  if (first === '--vectors' && second !== undefined) return second;
  if (first?.startsWith('--vectors=') && second === undefined)
    return first.slice('--vectors='.length);
  return null;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VectorFileError(
      code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new VectorFileError(`not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Runs `abtest stats`.
 * @param args - the arguments after `stats`
 * @returns 0 on success, 1 for an unreadable or invalid vector file, 2 for a usage error
 * @example await statsCommand(['--vectors', '../shared/reference/stats_vectors.json'])
 */
export async function statsCommand(args: readonly string[]): Promise<number> {
  const path = vectorsPath(args);
  if (path === null || path === '') {
    process.stderr.write(usage);
    return 2;
  }
  try {
    const { sections, skipped } = computeVectors(await readJson(path), additionalVectorSections);
    for (const name of skipped) {
      process.stderr.write(
        `abtest stats: ${path}: skipping section "${name}" (no computer for it)\n`,
      );
    }
    process.stdout.write(`${JSON.stringify(sections)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof VectorFileError) {
      process.stderr.write(`abtest stats: ${path}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
