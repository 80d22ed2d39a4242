/**
 * `abtest verify`'s check of one experiment object: the raw bytes of every batch its provenance
 * names are hashed again from the raw bucket, the experiment's definition and settings are read
 * from the database, and the fingerprint is recomputed with the running code. It matches, or
 * each reason it does not is named.
 */
import type { BlobStore } from '../adapters/blob-store/blob-store.ts';
import type { Queryable } from '../adapters/database/database.ts';
import type { BucketNames } from '../config/load-config.ts';
import { hashStream } from '../events/hash-file.ts';
import { analysisIdOf } from '../provenance/analysis-fingerprint.ts';
import { experimentFingerprint, requestOfProvenance } from '../provenance/analysis-provenance.ts';
import { analysisVersion } from '../provenance/analysis-version.ts';
import type { Provenance } from '../result/result-document.ts';
import { findExperiment } from './experiment-records.ts';
import { rawKeys } from './provenance-records.ts';

/** The parts of an experiment object the check reads. */
export interface VerifiableExperiment {
  readonly experiment_id: string;
  readonly analysis_id: string;
  readonly provenance: Provenance | null;
}

/** What the check found. */
export interface VerifyOutcome {
  readonly experiment_id: string;
  readonly analysis_id: string;
  readonly matches: boolean;
  /** The fingerprint recomputed from what is stored, or null when it could not be. */
  readonly fingerprint: string | null;
  /** Why it does not match; empty when it does. */
  readonly reasons: readonly string[];
}

const short = (hex: string): string => `${hex.slice(0, 12)}…`;

/**
 * Recomputes an experiment object's fingerprint from the stored inputs and compares.
 * @param db - the database
 * @param blobs - the blob store holding the raw batches
 * @param buckets - bucket names
 * @param experiment - the experiment object (from `abtest run --json` or `/summary`)
 * @returns whether it matches, and why not
 * @example (await verifyExperiment(db, blobs, config.buckets, experiment)).matches
 */
export async function verifyExperiment(
  db: Queryable,
  blobs: BlobStore,
  buckets: BucketNames,
  experiment: VerifiableExperiment,
): Promise<VerifyOutcome> {
  const { experiment_id: experimentId, analysis_id: analysisId, provenance } = experiment;
  const outcome = (fingerprint: string | null, reasons: readonly string[]): VerifyOutcome => ({
    experiment_id: experimentId,
    analysis_id: analysisId,
    matches: reasons.length === 0,
    fingerprint,
    reasons,
  });
  if (provenance === null) {
    return outcome(null, ['it has no provenance (analysed before abtest recorded it)']);
  }
  const reasons: string[] = [];
  if (analysisIdOf(provenance.fingerprint) !== analysisId) {
    reasons.push(`its analysis id is not an_ and the first 24 hex digits of its fingerprint`);
  }
  const stored = await findExperiment(db, experimentId);
  if (stored === undefined) {
    return outcome(null, [...reasons, `experiment ${experimentId} is not in the store`]);
  }
  const keys = await rawKeys(
    db,
    provenance.inputs.map((input) => input.batch_id),
  );
  const hashed: { batch_id: string; sha256: string }[] = [];
  for (const input of provenance.inputs) {
    const name = `batch ${input.batch_id} (${input.source})`;
    const key = keys.get(input.batch_id);
    if (key === undefined) {
      reasons.push(`${name} is not in the store`);
    } else if (!(await blobs.exists(buckets.raw, key))) {
      reasons.push(`${name}: its raw bytes are missing (${blobs.uri(buckets.raw, key)})`);
    } else {
      const { sha256 } = await hashStream(blobs.readStream(buckets.raw, key));
      if (sha256 !== input.sha256) {
        reasons.push(
          `${name}: its raw bytes changed (sha256 ${short(input.sha256)} recorded, ${short(sha256)} stored)`,
        );
      }
      hashed.push({ batch_id: input.batch_id, sha256 });
    }
  }
  if (hashed.length < provenance.inputs.length) return outcome(null, reasons);

  // An analysis an `analytics/run` request narrowed (some metrics, another alpha) is recomputed
  // with the same request.
  const request = requestOfProvenance(provenance.request);
  const fingerprint = experimentFingerprint(stored, hashed, undefined, request);
  if (fingerprint !== provenance.fingerprint && reasons.length === 0) {
    const recordedCode = experimentFingerprint(
      stored,
      hashed,
      provenance.analysis_version,
      request,
    );
    const now = analysisVersion();
    reasons.push(
      recordedCode === provenance.fingerprint
        ? `the analysis code changed (analysis_version ${short(provenance.analysis_version)} recorded, ${short(now)} now)`
        : `the definition or its settings changed (definition_version ${String(provenance.definition_version)} recorded, ${stored.definition === null ? 'null' : String(stored.version)} now)`,
    );
  }
  return outcome(fingerprint, reasons);
}
