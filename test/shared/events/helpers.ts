/**
 * Shared helpers of the events-contract tests: files written into a per-suite temporary folder,
 * read and validated the way the validate stage does, and the outcome turned into plain values
 * (timestamps as microsecond strings, since `Series.get` truncates Int64).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll } from 'vitest';
import { ValidationError } from '../../../shared/errors/errors.ts';
import type { SourceFormat } from '../../../shared/events/events-contract.ts';
import { readEventTable } from '../../../shared/events/read-event-table.ts';
import { validateEventRows } from '../../../shared/events/validate-event-rows.ts';

/** The exact reason given for an unparseable timestamp. */
export const timestampReason =
  'unparseable timestamp (expected ISO-8601 with a UTC offset (2026-01-31T09:30:00Z) or epoch milliseconds)';

/** The five required columns, in the order the helpers write them. */
export const required = ['user_id', 'experiment_id', 'variant', 'event_type', 'timestamp'] as const;

/** A valid event's fields; tests override some. */
export const validEvent: Readonly<Record<string, string>> = {
  user_id: 'u1',
  experiment_id: 'exp1',
  variant: 'control',
  event_type: 'exposure',
  timestamp: '2026-01-01T10:00:00Z',
};

/**
 * A temporary folder for one test file, removed after its tests.
 * @returns a function writing a file (text or bytes) into it and returning its path
 */
export function useTempFiles(): (name: string, content: string | Buffer) => Promise<string> {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-events-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return async (name, content) => {
    const file = path.join(dir, name);
    await writeFile(file, content);
    return file;
  };
}

/** One rejection as the user sees it. */
export interface SeenRejection {
  readonly line: number | undefined;
  readonly column: string;
  readonly value: string | null;
  readonly reason: string;
}

/** The outcome of reading and validating one file. */
export interface ReadOutcome {
  readonly rowsRead: number;
  readonly rejections: readonly SeenRejection[];
  readonly accepted: pl.DataFrame;
  readonly attributes: readonly string[];
}

/**
 * Reads and validates a file as the validate stage does, resolving rejection lines.
 * @param file - the file
 * @param format - the format claimed
 * @returns counts, rejections with lines, and the accepted frame
 */
export async function readAndValidate(file: string, format: SourceFormat): Promise<ReadOutcome> {
  const table = await readEventTable(file, format, path.basename(file));
  const rows = await validateEventRows(table);
  const lines = await table.lineOf(rows.rejections.map((rejection) => rejection.record));
  const accepted = (await rows.accepted.collect()).drop('__Row');
  await rows.dispose();
  return {
    rowsRead: rows.rowsRead,
    rejections: rows.rejections.map((rejection) => ({
      line: lines.get(rejection.record),
      column: rejection.column,
      value: rejection.value,
      reason: rejection.reason,
    })),
    accepted,
    attributes: rows.attributes,
  };
}

/** A file error as plain values. */
export interface SeenFileError {
  readonly name: string;
  readonly message: string;
  readonly httpStatus: number;
  readonly line: number | undefined;
}

/**
 * Reads and validates a file that must fail, returning the error.
 * @param file - the file
 * @param format - the format claimed
 * @returns the ValidationError's name, message, status and line
 * @throws when the file is accepted or the error is not a ValidationError
 */
export async function fileError(file: string, format: SourceFormat): Promise<SeenFileError> {
  try {
    await readAndValidate(file, format);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return {
      name: error.name,
      message: error.message,
      httpStatus: error.httpStatus,
      line: error.location.line,
    };
  }
  throw new Error(`${file} was accepted`);
}

/**
 * The accepted events as plain records: timestamps as microseconds since the epoch, in text.
 * @param accepted - the accepted frame
 * @returns one record per event
 */
export function plainEvents(accepted: pl.DataFrame): Record<string, unknown>[] {
  return accepted
    .withColumns(pl.col('timestamp').cast(pl.Int64).cast(pl.Utf8).alias('timestamp'))
    .toRecords();
}

/**
 * Microseconds since the epoch of an instant JavaScript can parse (millisecond precision), as
 * text: an oracle independent of polars.
 * @param iso - an ISO-8601 instant with an offset
 * @returns the microseconds, e.g. '1767261600000000'
 */
export function micros(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad oracle instant ${iso}`);
  return (BigInt(ms) * 1000n).toString();
}

/**
 * One CSV field, quoted when it must be (RFC 4180).
 * @param value - the text
 * @returns the field
 */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A CSV file's text from records, columns in first-seen order, LF line ends.
 * @param records - the rows
 * @returns the text, ending in a newline
 */
export function csvOf(records: readonly Readonly<Record<string, string>>[]): string {
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const lines = [columns.join(',')];
  for (const record of records) {
    lines.push(columns.map((name) => csvField(record[name] ?? '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * An NDJSON file's text from records.
 * @param records - the rows (any JSON values)
 * @returns the text, one object per line
 */
export function ndjsonOf(records: readonly Readonly<Record<string, unknown>>[]): string {
  return `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
}
