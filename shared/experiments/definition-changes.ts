/**
 * Changing a definition: a JSON merge patch (RFC 7396: members replace, `null` removes, arrays
 * are replaced whole) and the list of fields a change touched, as the audit log records them.
 * Pure.
 */

/** JSON values as a merge patch handles them. */
type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** One changed field of a definition: its name and the values before and after. */
export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Applies a JSON merge patch (RFC 7396 section 2).
 * @param target - the document patched
 * @param patch - the patch: an object merges member by member, anything else replaces
 * @returns the patched document (the inputs are not changed)
 * @see https://www.rfc-editor.org/rfc/rfc7396
 * @example applyMergePatch({ a: 1, b: 2 }, { b: null, c: 3 }) // { a: 1, c: 3 }
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/**
 * The top-level fields that differ between two definitions, in a stable order (the order of
 * `after`, then fields only `before` had).
 * @param before - the stored definition (or null for a new one)
 * @param after - the new definition
 * @returns one entry per changed field, with both values (null when absent)
 * @example changedFields({ alpha: 0.05 }, { alpha: 0.1 }) // [{ field: 'alpha', from: 0.05, to: 0.1 }]
 */
export function changedFields(
  before: Readonly<Record<string, unknown>> | null,
  after: Readonly<Record<string, unknown>>,
): FieldChange[] {
  const old = before ?? {};
  const fields = [...new Set([...Object.keys(after), ...Object.keys(old)])];
  return fields
    .filter((field) => canonical(old[field]) !== canonical(after[field]))
    .map((field) => ({ field, from: old[field] ?? null, to: after[field] ?? null }));
}

/**
 * A JSON text of a value with object keys sorted, so equal values compare equal whatever
 * order their keys came in (PostgreSQL's jsonb does not keep key order).
 * @param value - any JSON value
 * @returns the canonical text
 * @example canonical({ b: 1, a: 2 }) === canonical({ a: 2, b: 1 }) // true
 */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value as Json)) ?? 'undefined';
}

function sortKeys(value: Json | undefined): Json | undefined {
  if (Array.isArray(value)) return value.map((item) => sortKeys(item) ?? null);
  if (!isObject(value)) return value;
  const sorted: Record<string, Json> = {};
  for (const key of Object.keys(value).sort()) {
    const item = sortKeys(value[key] as Json | undefined);
    if (item !== undefined) sorted[key] = item;
  }
  return sorted;
}
