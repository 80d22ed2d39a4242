/**
 * Test helpers for the reference vectors of ../shared/reference/ (stats_vectors.json,
 * decision_vectors.json, model_vectors.json; SciPy 1.10 / statsmodels 0.13): where the files
 * are, and the agreement rule of their README.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file is test/shared/stats/reference-tolerance.ts). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** `../shared/reference/stats_vectors.json` relative to the project root. */
export const referenceVectorsPath = resolve(projectRoot, '../shared/reference/stats_vectors.json');

/** `../shared/reference/decision_vectors.json` relative to the project root. */
export const decisionVectorsPath = resolve(
  projectRoot,
  '../shared/reference/decision_vectors.json',
);

/** `../shared/reference/model_vectors.json` relative to the project root. */
export const modelVectorsPath = resolve(projectRoot, '../shared/reference/model_vectors.json');

/** A reference file, parsed (default: stats_vectors.json). */
export function loadReferenceVectors(path = referenceVectorsPath): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Relative agreement required of every value (the reference README). */
export const RELATIVE_TOLERANCE = 1e-6;
/** Absolute agreement accepted near zero, except for p-values (the reference README). */
export const ABSOLUTE_TOLERANCE = 1e-9;

/**
 * Whether a key names a p-value (raw, running or adjusted by Holm, Bonferroni or
 * Benjamini-Hochberg), which must agree relatively all the way down.
 */
function isPValuePath(path: string): boolean {
  return /p_value|benjamini_hochberg|holm|bonferroni/.test(path);
}

/**
 * The places where `actual` disagrees with `expected` under the README's rule:
 * |actual - expected| <= 1e-6 |expected|, or <= 1e-9 absolute for values that are not p-values;
 * null, strings and booleans must be equal; objects must have the same keys in the same order.
 * @param expected - the reference value
 * @param actual - the computed value
 * @param path - where we are, for the messages
 * @returns one message per disagreement (empty when everything agrees)
 */
export function referenceMismatches(expected: unknown, actual: unknown, path: string): string[] {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return [`${path}: expected ${expected}, got ${String(actual)}`];
    const error = Math.abs(actual - expected);
    const ok =
      error <= RELATIVE_TOLERANCE * Math.abs(expected) ||
      (!isPValuePath(path) && error <= ABSOLUTE_TOLERANCE);
    return ok ? [] : [`${path}: expected ${expected}, got ${actual}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: expected an array of ${expected.length}, got ${JSON.stringify(actual)}`];
    }
    return expected.flatMap((e, i) => referenceMismatches(e, actual[i], `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    }
    const keys = Object.keys(expected);
    const actualKeys = Object.keys(actual);
    if (keys.join() !== actualKeys.join()) {
      return [`${path}: expected keys ${keys.join()}, got ${actualKeys.join()}`];
    }
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    return keys.flatMap((key) => referenceMismatches(e[key], a[key], `${path}.${key}`));
  }
  return expected === actual
    ? []
    : [`${path}: expected ${String(expected)}, got ${String(actual)}`];
}

/** The largest relative error |actual - expected| / |expected| over every non-zero number. */
export function maxRelativeError(expected: unknown, actual: unknown): number {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return expected === 0 ? 0 : Math.abs(actual - expected) / Math.abs(expected);
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return Math.max(0, ...expected.map((e, i) => maxRelativeError(e, actual[i])));
  }
  if (
    expected !== null &&
    typeof expected === 'object' &&
    actual !== null &&
    typeof actual === 'object'
  ) {
    const a = actual as Record<string, unknown>;
    return Math.max(
      0,
      ...Object.entries(expected).map(([key, value]) => maxRelativeError(value, a[key])),
    );
  }
  return 0;
}
