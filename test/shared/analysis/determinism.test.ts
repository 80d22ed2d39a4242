/**
 * DESIGN.md "Determinism": apart from analysis_id, computed_at, report (and provenance, which
 * names the batches), an experiment object depends only on the accepted events: bit-identical
 * across runs, batch splits and arrival orders.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyTruth, generateEvents } from '../../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../../shared/generate/write-generated-file.ts';
import { runFiles } from '../../../shared/local/run-files.ts';
import type { ExperimentResult } from '../../../shared/result/result-document.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';

const stacks: LocalStack[] = [];
let whole: string;
let parts: string[];

async function experimentOf(files: readonly string[]): Promise<ExperimentResult> {
  const stack = await openLocalStack({}, { chain: true });
  stacks.push(stack);
  const { document } = await runFiles(
    stack.deps,
    files.map((file) => ({ path: file })),
  );
  const [experiment] = document.experiments;
  if (experiment === undefined) throw new Error('no experiment');
  return experiment;
}

function comparable(experiment: ExperimentResult) {
  // The provenance names the batches, which differ between one file and its parts.
  const {
    analysis_id: _id,
    computed_at: _at,
    report: _report,
    provenance: _provenance,
    ...rest
  } = experiment;
  return rest;
}

beforeAll(async () => {
  const scratch = await openLocalStack();
  stacks.push(scratch);
  whole = path.join(scratch.dataDir, 'whole.csv');
  const options = { users: 2500, seed: 99 };
  await writeGeneratedFile(whole, 'csv', generateEvents(options, emptyTruth(options)));
  const [header, ...lines] = (await readFile(whole, 'utf8')).trimEnd().split('\n');
  // Rows of a user are contiguous in generated files; cutting anywhere splits some users' events.
  const cuts = [
    0,
    Math.floor(lines.length / 3) + 7,
    Math.floor((2 * lines.length) / 3) - 5,
    lines.length,
  ];
  parts = [];
  for (let i = 0; i < 3; i += 1) {
    const part = path.join(scratch.dataDir, `part-${i}.csv`);
    const shuffled = lines.slice(cuts[i], cuts[i + 1]).reverse();
    await writeFile(part, `${header}\n${shuffled.join('\n')}\n`);
    parts.push(part);
  }
});

afterAll(async () => {
  for (const stack of stacks) await stack.close();
});

describe('the experiment object', () => {
  it('is the same for one file, the file split in three, and the parts in another order', async () => {
    const one = await experimentOf([whole]);
    const split = await experimentOf(parts);
    const reordered = await experimentOf([parts[2] ?? '', parts[0] ?? '', parts[1] ?? '']);
    expect(JSON.stringify(comparable(split))).toBe(JSON.stringify(comparable(one)));
    expect(JSON.stringify(comparable(reordered))).toBe(JSON.stringify(comparable(one)));
    expect(reordered.analysis_id).toBe(split.analysis_id);
    expect(reordered.provenance?.fingerprint).toBe(split.provenance?.fingerprint);
    expect(one.models.length).toBe(2);
  });

  it('is the same when the same file is run again, with the same analysis id', async () => {
    const stack = await openLocalStack({}, { chain: true });
    stacks.push(stack);
    const first = await runFiles(stack.deps, [{ path: whole }]);
    const second = await runFiles(stack.deps, [{ path: whole }]);
    expect(second.document).toEqual(first.document);
    const batches = await stack.deps.db.query('SELECT batch_id FROM ingest_batches');
    expect(batches.rows).toHaveLength(1);
  });
});
