/**
 * The `provenance` block of an experiment object: which code, which definition and which
 * batches produced it, and the fingerprint over them that the analysis id comes from. The
 * analyze stage builds it and `abtest verify` rebuilds its fingerprint the same way.
 */
import { compareText, type ExperimentDefinition } from '../analysis/experiment-definition.ts';
import type { Provenance, ProvenanceInput, ProvenanceRequest } from '../result/result-document.ts';
import type { UnitTableSettings } from '../units/unit-table-options.ts';
import { abtestVersion } from '../version.ts';
import { analysisEngine, analysisFingerprint } from './analysis-fingerprint.ts';
import { analysisVersion } from './analysis-version.ts';

/** alpha when the definition sets none. */
export const defaultAlpha = 0.05;

/** What an experiment is analysed with, as stored. */
export interface AnalysedExperiment {
  readonly experiment_id: string;
  readonly definition: ExperimentDefinition | null;
  readonly unit_table: UnitTableSettings | null;
  /** The experiment's version (bumped by every change). */
  readonly version: number;
}

/**
 * The alpha an analysis applies.
 * @param definition - the definition, or null
 * @returns its alpha, else 0.05
 * @example analysisAlpha(null) // 0.05
 */
export function analysisAlpha(definition: ExperimentDefinition | null): number {
  return definition?.alpha ?? defaultAlpha;
}

/** What an `analytics/run` request changed: only some metrics, another alpha (issue 19). */
export interface AnalysisRequestSettings {
  readonly metrics?: readonly string[] | undefined;
  readonly alpha?: number | undefined;
}

/**
 * The `request` member of a provenance block: what the request changed, metrics sorted (the
 * order they were asked in changes nothing), or null when it changed nothing.
 * @param request - what an `analytics/run` request changed
 * @returns the member, or null
 * @example provenanceRequest({ alpha: 0.1 }) // { metrics: null, alpha: 0.1 }
 */
export function provenanceRequest(request: AnalysisRequestSettings): ProvenanceRequest {
  if (request.metrics === undefined && request.alpha === undefined) return null;
  return {
    metrics: request.metrics === undefined ? null : [...new Set(request.metrics)].sort(compareText),
    alpha: request.alpha ?? null,
  };
}

/**
 * What a provenance block's `request` member says the request changed, for recomputing its
 * fingerprint (the inverse of {@link provenanceRequest}).
 * @param member - the block's `request`
 * @returns the request settings
 * @example requestOfProvenance(null) // {}
 */
export function requestOfProvenance(member: ProvenanceRequest): AnalysisRequestSettings {
  return {
    ...(member?.metrics == null ? {} : { metrics: member.metrics }),
    ...(member?.alpha == null ? {} : { alpha: member.alpha }),
  };
}

/**
 * The fingerprint of an experiment over some inputs with the running code.
 * @param experiment - the experiment as stored
 * @param inputs - the batches, each with the SHA-256 of its raw bytes
 * @param version - the analysis version (the running code's by default)
 * @param request - what an `analytics/run` request changed (nothing by default)
 * @returns 64 hex digits
 * @example experimentFingerprint(experiment, [{ batch_id: 'b_1', sha256: 'e3b0…' }])
 */
export function experimentFingerprint(
  experiment: AnalysedExperiment,
  inputs: readonly { readonly batch_id: string; readonly sha256: string }[],
  version: string = analysisVersion(),
  request: AnalysisRequestSettings = {},
): string {
  const requested = request.metrics !== undefined || request.alpha !== undefined;
  return analysisFingerprint({
    experimentId: experiment.experiment_id,
    inputs,
    definition: experiment.definition,
    settings: {
      alpha: request.alpha ?? analysisAlpha(experiment.definition),
      unit_table: experiment.unit_table,
      engine: analysisEngine,
      // Only a request adds this: an analysis of everything keeps its fingerprint.
      ...(requested ? { request: { metrics: provenanceRequest(request)?.metrics ?? null } } : {}),
    },
    analysisVersion: version,
  });
}

/**
 * The provenance block of an analysis; its analysis id is `analysisIdOf(block.fingerprint)`.
 * @param experiment - the experiment as stored
 * @param inputs - every batch used
 * @param computedAt - when it was computed (ISO-8601)
 * @param request - what an `analytics/run` request changed (nothing by default)
 * @param engine - the engine that computed it (`inprocess` by default). Not in the fingerprint:
 *   every engine gives the same numbers, so switching engines finds the same analysis.
 * @returns the block, inputs sorted by batch id
 * @example analysisIdOf(analysisProvenance(experiment, inputs, now).fingerprint)
 */
export function analysisProvenance(
  experiment: AnalysedExperiment,
  inputs: readonly ProvenanceInput[],
  computedAt: string,
  request: AnalysisRequestSettings = {},
  engine: Provenance['engine'] = analysisEngine,
): Provenance {
  const version = analysisVersion();
  return {
    abtest_version: abtestVersion,
    engine,
    analysis_version: version,
    definition_version: experiment.definition === null ? null : experiment.version,
    inputs: [...inputs].sort((a, b) => compareText(a.batch_id, b.batch_id)),
    computed_at: computedAt,
    request: provenanceRequest(request),
    fingerprint: experimentFingerprint(experiment, inputs, version, request),
  };
}
