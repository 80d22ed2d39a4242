/**
 * Provenance through the whole local chain (ingest, validate, analyze, train, report): every
 * experiment object names its code, definition and input bytes; the analysis id comes from the
 * fingerprint, which does not depend on the order the batches arrived in and does depend on the
 * definition; the model artifact and the CSV carry the same block; `verifyExperiment` finds a
 * match, then names the batch whose bytes changed and the definition that changed.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseExperimentDefinition,
  type ExperimentDefinition,
} from '../../../shared/analysis/experiment-definition.ts';
import { emptyTruth, generateEvents } from '../../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../../shared/generate/write-generated-file.ts';
import { runFiles } from '../../../shared/local/run-files.ts';
import { analysisVersion } from '../../../shared/provenance/analysis-version.ts';
import type { ExperimentResult } from '../../../shared/result/result-document.ts';
import { analyzeExperiment } from '../../../shared/stages/analyze.ts';
import { experimentSummary } from '../../../shared/store/experiment-summary.ts';
import { verifyExperiment } from '../../../shared/store/verify-provenance.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';

const stacks: LocalStack[] = [];
let parts: string[];

const definitionWith = (alpha: number): ExperimentDefinition =>
  parseExperimentDefinition(
    `id: checkout-redesign\nvariants:\n  - {key: control, weight: 50, control: true}\n  - {key: treatment, weight: 50}\nalpha: ${alpha}\n`,
    'checkout-redesign.yaml',
  );

async function analyse(
  files: readonly string[],
  definition?: ExperimentDefinition,
): Promise<{ stack: LocalStack; experiment: ExperimentResult }> {
  const stack = await openLocalStack({}, { chain: true });
  stacks.push(stack);
  const { document } = await runFiles(
    stack.deps,
    files.map((file) => ({ path: file })),
    definition === undefined ? undefined : { definition, source: 'checkout-redesign.yaml' },
  );
  const [experiment] = document.experiments;
  if (experiment === undefined) throw new Error('no experiment');
  return { stack, experiment };
}

const sha256 = async (file: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

beforeAll(async () => {
  const scratch = await openLocalStack();
  stacks.push(scratch);
  const whole = path.join(scratch.dataDir, 'whole.csv');
  const options = { users: 600, seed: 18 };
  await writeGeneratedFile(whole, 'csv', generateEvents(options, emptyTruth(options)));
  const [header, ...lines] = (await readFile(whole, 'utf8')).trimEnd().split('\n');
  const half = Math.floor(lines.length / 2);
  parts = [];
  for (const [i, slice] of [lines.slice(0, half), lines.slice(half)].entries()) {
    const part = path.join(scratch.dataDir, `part-${i}.csv`);
    await writeFile(part, `${header}\n${slice.join('\n')}\n`);
    parts.push(part);
  }
});

afterAll(async () => {
  for (const stack of stacks) await stack.close();
});

describe('provenance', () => {
  let first: { stack: LocalStack; experiment: ExperimentResult };

  beforeAll(async () => {
    first = await analyse(parts);
  });

  it('names the version, the engine, the code and every input with the SHA-256 of its bytes', async () => {
    const { experiment } = first;
    const provenance = experiment.provenance;
    if (provenance === null) throw new Error('no provenance');
    const manifest = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    expect(provenance.abtest_version).toBe(manifest.version);
    expect(provenance.engine).toBe('inprocess');
    expect(provenance.analysis_version).toBe(analysisVersion());
    expect(provenance.definition_version).toBeNull();
    expect(provenance.computed_at).toBe(experiment.computed_at);
    const bySource = new Map(provenance.inputs.map((input) => [input.source, input]));
    expect([...bySource.keys()].sort()).toEqual([...parts].sort());
    for (const part of parts) expect(bySource.get(part)?.sha256).toBe(await sha256(part));
    const events = await first.stack.deps.db.query<{ accepted: number }>(
      'SELECT accepted FROM batch_experiments ORDER BY batch_id',
    );
    expect(provenance.inputs.map((input) => input.accepted)).toEqual(
      events.rows.map((row) => row.accepted),
    );
    expect(provenance.inputs.reduce((sum, input) => sum + input.accepted, 0)).toBeGreaterThan(0);
    expect(experiment.analysis_id).toBe(`an_${provenance.fingerprint.slice(0, 24)}`);
  });

  it('gives the same fingerprint and analysis id whatever order the batches arrived in', async () => {
    const reversed = await analyse([...parts].reverse());
    expect(reversed.experiment.provenance?.fingerprint).toBe(
      first.experiment.provenance?.fingerprint,
    );
    expect(reversed.experiment.analysis_id).toBe(first.experiment.analysis_id);
  });

  it('changes with the definition and with its alpha', async () => {
    const strict = await analyse(parts, definitionWith(0.05));
    const loose = await analyse(parts, definitionWith(0.1));
    expect(strict.experiment.provenance?.definition_version).toBe(1);
    const fingerprints = new Set(
      [first, strict, loose].map(({ experiment }) => experiment.provenance?.fingerprint),
    );
    expect(fingerprints.size).toBe(3);
    expect(loose.experiment.alpha).toBe(0.1);
  });

  it('is carried by the model artifacts and by the CSV', async () => {
    const { stack, experiment } = first;
    const models = await stack.deps.db.query<{ artifact_key: string }>(
      'SELECT artifact_key FROM models WHERE analysis_id = $1 ORDER BY metric',
      [experiment.analysis_id],
    );
    expect(models.rows).toHaveLength(2);
    for (const { artifact_key: key } of models.rows) {
      const artifact = JSON.parse(
        (await stack.deps.blobs.read(stack.deps.config.buckets.artifacts, key)).toString(),
      ) as { provenance: unknown; analysis_id: string };
      expect(artifact.analysis_id).toBe(experiment.analysis_id);
      expect(artifact.provenance).toEqual(experiment.provenance);
    }
    const csv = await readFile(experiment.report?.csv ?? '', 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      `# abtest_version=${experiment.provenance?.abtest_version} analysis_id=${experiment.analysis_id} fingerprint=${experiment.provenance?.fingerprint} analysis_version=${experiment.provenance?.analysis_version} engine=inprocess`,
    );
  });
});

/** Flips one byte near the end of a batch's stored raw bytes. */
async function changeOneRawByte(stack: LocalStack, batchId: string): Promise<void> {
  const raw = await stack.deps.db.query<{ raw_key: string }>(
    'SELECT raw_key FROM ingest_batches WHERE batch_id = $1',
    [batchId],
  );
  const { raw: bucket } = stack.deps.config.buckets;
  const file = path.join(stack.dataDir, 'buckets', bucket, raw.rows[0]?.raw_key ?? '');
  const bytes = await readFile(file);
  bytes[bytes.length - 2] = bytes[bytes.length - 2] === 0x31 ? 0x32 : 0x31;
  await writeFile(file, bytes);
}

/** The reason verify gives for an input whose bytes changed. */
const changedBytes = (input: { batch_id: string; sha256: string } | undefined) =>
  expect.stringMatching(
    new RegExp(
      `^batch ${input?.batch_id} \\(.*part-\\d\\.csv\\): its raw bytes changed \\(sha256 ${input?.sha256.slice(0, 12)}… recorded, [0-9a-f]{12}… stored\\)$`,
    ),
  );

describe('verifyExperiment', () => {
  it('matches, then names the batch whose bytes changed, then the definition that changed', async () => {
    const { stack, experiment } = await analyse(parts, definitionWith(0.05));
    const { db, blobs, config } = stack.deps;
    const check = () => verifyExperiment(db, blobs, config.buckets, experiment);

    const clean = await check();
    expect(clean).toEqual({
      experiment_id: 'checkout-redesign',
      analysis_id: experiment.analysis_id,
      matches: true,
      fingerprint: experiment.provenance?.fingerprint,
      reasons: [],
    });

    await db.query(
      `UPDATE experiments SET definition = jsonb_set(definition, '{alpha}', '0.1')
       WHERE experiment_id = 'checkout-redesign'`,
    );
    const redefined = await check();
    expect(redefined.matches).toBe(false);
    expect(redefined.reasons).toEqual([
      'the definition or its settings changed (definition_version 1 recorded, 1 now)',
    ]);

    const input = experiment.provenance?.inputs[0];
    await changeOneRawByte(stack, input?.batch_id ?? '');
    expect(await check()).toMatchObject({ matches: false, reasons: [changedBytes(input)] });

    expect(
      (await verifyExperiment(db, blobs, config.buckets, { ...experiment, provenance: null }))
        .reasons,
    ).toEqual(['it has no provenance (analysed before abtest recorded it)']);
  });

  it('recomputes an analysis an analytics/run request narrowed to some metrics and another alpha', async () => {
    const { stack, experiment: whole } = await analyse(parts, definitionWith(0.05));
    const { db, blobs, config } = stack.deps;
    expect(whole.provenance?.request).toBeNull();
    await analyzeExperiment(
      stack.deps,
      'checkout-redesign',
      { kind: 'rerun', triggerId: 'subset' },
      { metrics: ['conversion'], alpha: 0.1 },
    );
    const subset = await experimentSummary(db, blobs, config.buckets, 'checkout-redesign');
    if (subset?.provenance == null) throw new Error('no subset analysis');
    expect(subset.metrics.map((metric) => metric.name)).toEqual(['conversion']);
    expect(subset.alpha).toBe(0.1);
    expect(subset.provenance.request).toEqual({ metrics: ['conversion'], alpha: 0.1 });
    expect(subset.analysis_id).toBe(`an_${subset.provenance.fingerprint.slice(0, 24)}`);
    expect(subset.provenance.fingerprint).not.toBe(whole.provenance?.fingerprint);
    const check = (experiment: ExperimentResult) =>
      verifyExperiment(db, blobs, config.buckets, experiment);

    expect(await check(subset)).toEqual({
      experiment_id: 'checkout-redesign',
      analysis_id: subset.analysis_id,
      matches: true,
      fingerprint: subset.provenance.fingerprint,
      reasons: [],
    });
    // Without the request it recorded, the same inputs give the whole analysis' fingerprint.
    const forgotten = await check({
      ...subset,
      provenance: { ...subset.provenance, request: null },
    });
    expect(forgotten.matches).toBe(false);
    expect(forgotten.fingerprint).toBe(whole.provenance?.fingerprint);

    const input = subset.provenance.inputs[1];
    await changeOneRawByte(stack, input?.batch_id ?? '');
    expect(await check(subset)).toMatchObject({ matches: false, reasons: [changedBytes(input)] });
  });
});
