/**
 * The bad-input corpus: 77 real-world-shaped files in test/corpus/bad-input/ and 4 too large to
 * keep (written at test time), each through the real validate path (the ingest stage, then the
 * validate stage over a local stack) with the outcome a user sees, held to
 * test/corpus/expected-outcomes.json: accepted with its counts and every row error (line,
 * column, reason), or a file error with its message, where it was found, its line and column.
 * Truncated gzip, UTF-16, Excel's `sep=` line, semicolons, quoted newlines, 10,000 columns,
 * 1 MB lines, mixed epoch and ISO times, negative zero, NaN spellings, headers doubled in
 * another case, formulas, control characters, a JSON array of 100,000 objects, Parquet of the
 * wrong types, and more.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalStack, type LocalStack } from '../support/local-stack.ts';
import { corpusOutcome, type CorpusOutcome } from './corpus-outcome.ts';
import { generatedInputs, writeGeneratedInputs } from './generated-inputs.ts';

interface CorpusCase {
  readonly file: string;
  readonly generated: boolean;
  readonly shape: string;
  readonly expected: CorpusOutcome;
}

const corpusDir = path.resolve(import.meta.dirname, 'bad-input');
const { cases } = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, 'expected-outcomes.json'), 'utf8'),
) as { cases: CorpusCase[] };

let stack: LocalStack;
let scratch: string;
let generated: Record<string, string>;

beforeAll(async () => {
  stack = await openLocalStack();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'abtest-corpus-'));
  generated = await writeGeneratedInputs(scratch);
});

afterAll(async () => {
  await stack.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('the bad-input corpus', () => {
  it('holds at least 60 files kept in the repository, each with its expected outcome', async () => {
    const kept = (await readdir(corpusDir)).sort();
    expect(kept.length).toBeGreaterThanOrEqual(60);
    expect(
      cases
        .filter((c) => !c.generated)
        .map((c) => c.file)
        .sort(),
    ).toEqual(kept);
    expect(cases.filter((c) => c.generated).map((c) => c.file)).toEqual([...generatedInputs]);
  });

  it.each(cases.map((c) => [c.file, c.shape, c] as const))(
    '%s (%s)',
    async (_file, _shape, corpusCase) => {
      const file = corpusCase.generated
        ? (generated[corpusCase.file] ?? '')
        : path.join(corpusDir, corpusCase.file);
      const outcome = await corpusOutcome(stack.deps, file);
      expect(outcome).toEqual(corpusCase.expected);
      // Each file alone: nothing it curated is seen by the next as an earlier batch.
      await stack.deps.db.query('DELETE FROM batch_experiments');
    },
    120_000,
  );
});
