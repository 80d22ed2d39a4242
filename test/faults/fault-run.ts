/**
 * What the fault tests share: one experiment's events cut into three parts (each a batch), the
 * summary a clean run of them gives (`abtest run --json` in a fresh folder), uploading a part to
 * a running `abtest serve`, and waiting for the summary over every batch.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { ExperimentResult, ResultDocument } from '../../shared/result/result-document.ts';
import { runAbtest } from '../support/abtest-cli.ts';
import { finalSummary } from '../serve/serve-process.ts';
import { eventParts } from '../support/event-parts.ts';
import { withoutLookHistory } from '../support/without-look-history.ts';

/** The bearer token of the fault tests' servers. */
export const faultToken = 'fault-test-token-0123456789abcdef';

/** The experiment the parts belong to. */
export const faultExperiment = 'fault-check';

/**
 * Writes an experiment's events as three CSV parts.
 * @param dir - where
 * @param users - how many users
 * @returns the three files
 */
export function faultEventParts(dir: string, users = 900): Promise<string[]> {
  return eventParts(dir, { users, seed: 1717, experimentId: faultExperiment });
}

/**
 * The experiment object a clean run of the files gives.
 * @param files - the parts
 * @returns the experiment object of `abtest run --json`
 */
export async function cleanSummary(files: readonly string[]): Promise<ExperimentResult> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'abtest-fault-clean-'));
  try {
    const run = await runAbtest(['run', ...files, '--json', '--data-dir', dataDir]);
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as ResultDocument;
    const experiment = document.experiments.find((e) => e.experiment_id === faultExperiment);
    if (experiment === undefined) throw new Error('the clean run has no experiment');
    return experiment;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** An experiment object without what may differ between runs (DESIGN "Determinism"). */
export function comparable(summary: ExperimentResult) {
  const { computed_at: _at, report: _report, analysis_id: _id, provenance, ...rest } = summary;
  // The same bytes, definition and code: the same fingerprint. Only the clock and the names
  // the parts were uploaded under may differ.
  return {
    ...withoutLookHistory(rest),
    provenance: provenance && {
      ...provenance,
      computed_at: null,
      inputs: provenance.inputs.map(({ source: _source, ...input }) => input),
    },
  };
}

/**
 * Uploads one part.
 * @param url - the server
 * @param file - the part
 * @returns the status, the Retry-After header and the body
 */
export async function uploadPart(url: string, file: string) {
  const response = await fetch(`${url}/v1/ingest/events`, {
    method: 'POST',
    body: await readFile(file, 'utf8'),
    headers: {
      authorization: `Bearer ${faultToken}`,
      'content-type': 'text/csv',
      'idempotency-key': path.basename(file),
    },
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { batch_id?: string; error?: string },
  };
}

/**
 * Waits for the analysis of `batches` batches of the fault experiment, its models and its report.
 * @param url - the server
 * @param batches - how many batches the final analysis reads
 * @returns the served summary
 */
export function faultSummary(url: string, batches: number): Promise<ExperimentResult> {
  return finalSummary(url, faultToken, faultExperiment, batches, 240_000);
}
