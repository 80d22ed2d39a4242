/**
 * The fingerprint of an analysis: SHA-256 over everything that decides its numbers, and the
 * analysis id derived from it. Pure: the same material gives the same hex digits on every
 * machine, whatever order the batches arrived in or the definition's keys are stored in.
 */
import { createHash } from 'node:crypto';
import { compareText } from '../analysis/experiment-definition.ts';

/** The engine analyses run on today. */
export const analysisEngine = 'inprocess';

/** Everything the fingerprint covers. */
export interface FingerprintMaterial {
  readonly experimentId: string;
  /** Every batch used: its id (content and reading options) and the SHA-256 of its raw bytes. */
  readonly inputs: readonly { readonly batch_id: string; readonly sha256: string }[];
  /** The definition as stored (no status), or null. */
  readonly definition: unknown;
  /** The statistics settings: alpha as applied, the unit-table settings, the engine. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The analysis version (see analysis-version.ts). */
  readonly analysisVersion: string;
}

/**
 * JSON with every object's keys sorted, recursively; `undefined` members left out as
 * `JSON.stringify` does.
 * @param value - plain JSON data
 * @returns its canonical text
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member !== null && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(
          Object.entries(member as Record<string, unknown>).sort(([a], [b]) => compareText(a, b)),
        )
      : member,
  );
}

/**
 * The fingerprint: SHA-256 of the canonical JSON of the material, the inputs sorted by batch id
 * (so the order of arrival does not matter).
 * @param material - what decides the analysis
 * @returns 64 hex digits
 * @example analysisFingerprint({ experimentId: 'e', inputs: [], definition: null, settings: {}, analysisVersion: 'ab' })
 */
export function analysisFingerprint(material: FingerprintMaterial): string {
  const inputs = material.inputs
    .map((input) => ({ batch_id: input.batch_id, sha256: input.sha256 }))
    .sort((a, b) => compareText(a.batch_id, b.batch_id));
  const text = canonicalJson({
    fingerprint: 1,
    experiment_id: material.experimentId,
    inputs,
    definition: material.definition ?? null,
    settings: material.settings,
    analysis_version: material.analysisVersion,
  });
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The analysis id of a fingerprint: `an_` and its first 24 hex digits.
 * @param fingerprint - 64 hex digits
 * @returns the analysis id
 * @example analysisIdOf('0123456789abcdef0123456789abcdef…') // 'an_0123456789abcdef01234567'
 */
export function analysisIdOf(fingerprint: string): string {
  return `an_${fingerprint.slice(0, 24)}`;
}
