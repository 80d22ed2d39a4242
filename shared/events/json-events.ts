/**
 * Reads NDJSON and JSON-array events into string columns. Every value becomes its text (JSON
 * numbers and numeric strings alike, so `"12.5"` and `12.5` are the same value); `null` stays
 * null; nested objects and arrays are kept as their JSON text.
 */
import { ValidationError } from '../errors/errors.ts';
import { canonicalColumnName } from './events-contract.ts';

/** Events as columns of text, with the line (or element index) of each record. */
export interface TextColumns {
  /** Column names as first spelt, in first-seen order (unique case-insensitively). */
  readonly columns: readonly string[];
  /** One array per column, one entry per record. */
  readonly values: ReadonlyMap<string, (string | null)[]>;
  /** The 1-based line (NDJSON) or element index (JSON array) of each record. */
  readonly lines: readonly number[];
}

/**
 * Parses NDJSON text: one JSON object per non-blank line.
 * @param text - the file's text, BOM removed
 * @param label - the file's name for messages
 * @returns the columns
 * @throws {ValidationError} on broken JSON, a line that is not an object, or a key given twice
 * @example ndjsonColumns('{"user_id":"u1"}\n', 'a.ndjson').columns // ['user_id']
 */
export function ndjsonColumns(text: string, label: string): TextColumns {
  const builder = columnBuilder(label);
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new ValidationError(
        `${label}: line ${lineNumber}: broken JSON (${(error as Error).message})`,
        400,
        { line: lineNumber },
      );
    }
    builder.add(parsed, lineNumber, `line ${lineNumber}`);
  }
  return builder.finish();
}

/**
 * Parses a JSON array of event objects.
 * @param text - the file's text, BOM removed
 * @param label - the file's name for messages
 * @returns the columns, each record's "line" being its 1-based element index
 * @throws {ValidationError} on broken JSON, a non-array document or a non-object element
 * @example jsonArrayColumns('[{"user_id":"u1"}]', 'a.json').lines // [1]
 */
export function jsonArrayColumns(text: string, label: string): TextColumns {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${label}: broken JSON (${(error as Error).message})`, 400);
  }
  if (!Array.isArray(parsed)) {
    throw new ValidationError(`${label}: expected a JSON array of event objects`, 400);
  }
  const builder = columnBuilder(label);
  parsed.forEach((element, index) => builder.add(element, index + 1, `element ${index + 1}`));
  return builder.finish();
}

function columnBuilder(label: string) {
  const columns: string[] = [];
  const values = new Map<string, (string | null)[]>();
  const lines: number[] = [];
  const spelling = new Map<string, string>();
  return {
    add(record: unknown, line: number, where: string) {
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        throw new ValidationError(`${label}: ${where}: expected a JSON object`, 400, { line });
      }
      const row = lines.length;
      const seen = new Set<string>();
      for (const [key, value] of Object.entries(record)) {
        const folded = canonicalColumnName(key);
        if (seen.has(folded)) {
          throw new ValidationError(`${label}: ${where}: column "${folded}" is named twice`, 400, {
            line,
            column: folded,
          });
        }
        seen.add(folded);
        // Keys match case-insensitively; the column keeps the spelling it was first seen in.
        const name = spelling.get(folded) ?? key;
        let column = values.get(name);
        if (column === undefined) {
          column = new Array<string | null>(row).fill(null);
          values.set(name, column);
          spelling.set(folded, name);
          columns.push(name);
        }
        column.push(textOf(value));
      }
      lines.push(line);
      for (const column of values.values()) if (column.length === row) column.push(null);
    },
    finish: (): TextColumns => ({ columns, values, lines }),
  };
}

function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
