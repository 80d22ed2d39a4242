/**
 * Opens an events file of any of the four formats as one lazy polars table of text columns
 * (canonical lower-case names, every value as written), plus the record index `__Row` and a
 * way back from a record to its line. File errors (DESIGN.md "Events contract") are thrown
 * here, before anything is parsed row by row.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pl from 'nodejs-polars';
import { ValidationError } from '../errors/errors.ts';
import { csvRecordLines, parseCsvHeader } from './csv-records.ts';
import { checkCsvShape } from './csv-shape.ts';
import {
  canonicalColumnName,
  mostColumns,
  requiredColumns,
  type SourceFormat,
} from './events-contract.ts';
import { jsonArrayColumns, ndjsonColumns, type TextColumns } from './json-events.ts';
import {
  checkTextFile,
  readTextHead,
  type TextFileFacts,
  type TextSource,
} from './text-file-check.ts';

/**
 * The record index column added to every table. It has an upper-case letter, so it never
 * collides with a column of the file (canonical names are lower case).
 */
export const rowIndexColumn = '__Row';

/** An events file opened for validation. */
export interface EventTable {
  /** Text columns under canonical names, plus {@link rowIndexColumn}. */
  readonly frame: pl.LazyDataFrame;
  /** The canonical data column names, in the file's order. */
  readonly columns: readonly string[];
  /** The 1-based line (CSV, NDJSON) or element/row number (JSON array, Parquet) of records. */
  lineOf(records: readonly number[]): Promise<Map<number, number>>;
  /** The name the user knows the file by, for messages. */
  readonly label: string;
  /**
   * Whether blank lines reach {@link frame} as records whose fields are all null (CSV), to be
   * skipped. In the other formats every record is an event, even one with no fields.
   */
  readonly blankLinesAreRecords: boolean;
  /**
   * The error to throw for one met while collecting {@link frame}: the lazy scan parses the
   * file only then, so a malformed CSV record or unreadable Parquet data surfaces there.
   * @param error - what polars threw
   * @returns a {@link ValidationError} naming the file and the problem (CSV, Parquet), or the
   *   error itself where the frame was built in memory and cannot fail for the file's sake
   */
  readError(error: unknown): Error;
}

/**
 * Opens an events file.
 * @param filePath - where the bytes are
 * @param format - the format the upload claimed
 * @param label - the name the user knows the file by
 * @param checked - the bytes already passed {@link checkUploadedFile} (a stored batch): a CSV's
 *   text is not checked again, only its head read
 * @returns the table, not yet validated row by row
 * @throws {ValidationError} for every file error: empty, header only, a required column
 *   missing, a column named twice, not UTF-8, binary, broken JSON, not Parquet
 * @example const table = await readEventTable('/tmp/e.csv', 'csv', 'e.csv')
 */
export function readEventTable(
  filePath: string,
  format: SourceFormat,
  label: string,
  checked = false,
): Promise<EventTable> {
  return readTextTable(filePath, format, label, eventHeader, checked);
}

/**
 * The file-level checks of an upload, as cheap as they can be made: for CSV and Parquet the
 * header (what {@link readTextTable} checks before reading rows); for NDJSON the bytes (UTF-8,
 * no NUL) and the first record's keys, the rest of the lines being parsed, and a broken one
 * reported, when the batch is validated. JSON arrays are parsed whole.
 * @param source - the file, or the upload's bytes when it is held in memory
 * @param format - the format the upload claimed
 * @param label - the name the user knows the file by
 * @param rules - the required columns and naming
 * @throws {ValidationError} for a file error found
 * @example await checkUploadedFile('/tmp/u.ndjson', 'ndjson', 'u.ndjson', eventHeader)
 */
export async function checkUploadedFile(
  source: TextSource,
  format: SourceFormat,
  label: string,
  rules: HeaderRules,
): Promise<void> {
  if (format === 'ndjson') {
    const facts = await checkTextFile(source, label);
    const record = firstNdjsonRecord(facts);
    if (record !== undefined) {
      checkHeader(ndjsonColumns(record, label).columns, label, rules);
      return;
    }
  }
  // Another format, or an NDJSON first record longer than the head: read it as a table, from
  // the file or from the bytes written to one for polars.
  if (typeof source === 'string') {
    await readTextTable(source, format, label, rules);
    return;
  }
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'abtest-check-'));
  try {
    const file = path.join(scratch, `upload.${format}`);
    await writeFile(file, source);
    await readTextTable(file, format, label, rules);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The first non-blank line of an NDJSON head, preceded by as many newlines as came before it
 * (so errors name its line), when the head holds it whole.
 */
function firstNdjsonRecord(facts: TextFileFacts): string | undefined {
  const { head } = facts;
  let start = 0;
  for (let line = 0; start < head.length; line += 1) {
    const newline = head.indexOf(0x0a, start);
    if (newline < 0 && head.length < facts.bytes) return undefined;
    const end = newline < 0 ? head.length : newline;
    const text = head.toString('utf8', start, end);
    if (text.trim() !== '') return `${'\n'.repeat(line)}${text}\n`;
    start = end + 1;
  }
  return undefined;
}

/** What a file's header must hold and how its columns are named once read. */
export interface HeaderRules {
  /** Columns that must be there, matched case-insensitively (give them in lower case). */
  readonly required: readonly string[];
  /** Lower-case every name (events), or keep the header's spelling (unit tables). */
  readonly lowerCase: boolean;
}

/** The events contract's header: the required columns, names lower-cased. */
export const eventHeader: HeaderRules = { required: requiredColumns, lowerCase: true };

/**
 * Opens a table of any of the four formats as text columns, checking its header.
 * @param filePath - where the bytes are
 * @param format - the format the upload claimed
 * @param label - the name the user knows the file by
 * @param rules - the required columns and naming
 * @param checked - the bytes already passed {@link checkUploadedFile}: a CSV's text is not
 *   checked again (a pass over the whole file), only its head read
 * @returns the table
 * @throws {ValidationError} for every file error
 * @example const table = await readTextTable('/tmp/u.csv', 'csv', 'u.csv', { required: ['version'], lowerCase: false })
 */
export async function readTextTable(
  filePath: string,
  format: SourceFormat,
  label: string,
  rules: HeaderRules,
  checked = false,
): Promise<EventTable> {
  switch (format) {
    case 'csv':
      return readCsvTable(filePath, label, rules, checked);
    case 'ndjson':
    case 'json':
      return readJsonTable(filePath, format, label, rules);
    case 'parquet':
      return readParquetTable(filePath, label, rules);
  }
}

/**
 * Checks a header: names present, none twice (case-insensitively), every required one there.
 * @param names - the column names as written
 * @param label - the file's name for messages
 * @param rules - the required columns and naming (default: the events contract)
 * @returns the names the columns are read under
 * @throws {ValidationError} naming the doubled or missing columns
 * @example checkHeader(['User_ID', 'variant'], 'a.csv') // throws: missing columns
 */
export function checkHeader(
  names: readonly string[],
  label: string,
  rules: HeaderRules = eventHeader,
): string[] {
  if (names.length > mostColumns) {
    throw new ValidationError(
      `${label}: line 1: ${names.length.toLocaleString('en-US')} columns, more than the ${mostColumns.toLocaleString('en-US')} abtest reads (is it a pivoted export? one row per event, one column per attribute)`,
      400,
      { line: 1 },
    );
  }
  const canonical = names.map(canonicalColumnName);
  const blank = canonical.findIndex((name) => name === '');
  if (blank >= 0) {
    throw new ValidationError(
      `${label}: line 1, column ${blank + 1}: the column has no name`,
      400,
      {
        line: 1,
      },
    );
  }
  const seen = new Map<string, number>();
  canonical.forEach((name, index) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new ValidationError(
        `${label}: line 1: column "${name}" is named twice (columns ${first + 1} and ${index + 1})`,
        400,
        { line: 1, column: name },
      );
    }
    seen.set(name, index);
  });
  const missing = rules.required.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    const list = missing.map((name) => `"${name}"`).join(', ');
    throw new ValidationError(
      `${label}: missing required column${missing.length > 1 ? 's' : ''} ${list}`,
      422,
      { line: 1, column: missing[0] },
    );
  }
  return rules.lowerCase ? canonical : names.map((name) => name.trim());
}

async function readCsvTable(
  filePath: string,
  label: string,
  rules: HeaderRules,
  checked: boolean,
): Promise<EventTable> {
  const facts = checked
    ? await readTextHead(filePath, label)
    : await checkTextFile(filePath, label);
  const header = parseCsvHeader(facts.head.toString('utf8'));
  if (header === undefined) {
    throw new ValidationError(`${label}: line 1: the header does not end (unclosed quote?)`, 400, {
      line: 1,
    });
  }
  checkCsvShape(facts.head.toString('utf8'), header.names, label);
  const columns = checkHeader(header.names, label, rules);
  if (!header.hasRows)
    throw new ValidationError(`${label}: the file has a header but no rows`, 400);
  const frame = pl
    .scanCSV(filePath, { hasHeader: true, inferSchemaLength: 0 })
    .rename(Object.fromEntries(header.names.map((name, i) => [name, columns[i] ?? name])))
    // Added after the renaming: a header may spell the index column's name in any case.
    .withRowIndex(rowIndexColumn);
  return {
    frame,
    columns,
    lineOf: (records) => csvRecordLines(filePath, records, facts.hasQuote, header.lines),
    label,
    blankLinesAreRecords: true,
    readError: (error) =>
      new ValidationError(`${label}: not well-formed CSV: ${csvProblem(error)}`, 400),
  };
}

/** Polars' CSV parse error in the user's words (its own message ends in Python advice). */
function csvProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes('more fields than defined')) {
    return 'a record has more fields than the header has columns';
  }
  if (message.includes('not properly escaped')) {
    return 'a quoted field does not end, or holds a quote that is not doubled';
  }
  return firstLine(error);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim();
}

async function readJsonTable(
  filePath: string,
  format: 'ndjson' | 'json',
  label: string,
  rules: HeaderRules,
): Promise<EventTable> {
  await checkTextFile(filePath, label);
  const text = (await readFile(filePath, 'utf8')).replace(/^\uFEFF/, '');
  const parsed: TextColumns =
    format === 'ndjson' ? ndjsonColumns(text, label) : jsonArrayColumns(text, label);
  if (parsed.lines.length === 0)
    throw new ValidationError(`${label}: the file holds no events`, 400);
  const columns = checkHeader(parsed.columns, label, rules);
  // Built on first use: ingest only checks the file and never needs the frame.
  let frame: pl.LazyDataFrame | undefined;
  const buildFrame = () =>
    pl
      .DataFrame(
        parsed.columns.map((name, i) =>
          pl.Series(columns[i] ?? name, parsed.values.get(name) ?? [], pl.Utf8),
        ),
      )
      .withRowIndex(rowIndexColumn)
      .lazy();
  return {
    get frame() {
      frame ??= buildFrame();
      return frame;
    },
    columns,
    lineOf: async (records) =>
      new Map(records.map((record) => [record, parsed.lines[record] ?? record + 1])),
    label,
    blankLinesAreRecords: false,
    // The frame is already in memory: an error collecting it is abtest's, not the file's.
    readError: (error) => (error instanceof Error ? error : new Error(String(error))),
  };
}

async function readParquetTable(
  filePath: string,
  label: string,
  rules: HeaderRules,
): Promise<EventTable> {
  const schema = readParquetSchema(filePath, label);
  const names = Object.keys(schema);
  const columns = checkHeader(names, label, rules);
  const asText = names.map((name, i) =>
    textExpression(name, schema[name]).alias(columns[i] ?? name),
  );
  const frame = pl
    .scanParquet(filePath)
    .select(...asText)
    .withRowIndex(rowIndexColumn);
  return {
    frame,
    columns,
    lineOf: async (records) => new Map(records.map((record) => [record, record + 1])),
    label,
    blankLinesAreRecords: false,
    readError: (error) =>
      new ValidationError(`${label}: unreadable Parquet data (${firstLine(error)})`, 400),
  };
}

function readParquetSchema(filePath: string, label: string): Record<string, pl.DataType> {
  let schema: Record<string, pl.DataType>;
  let rows: number;
  try {
    schema = pl.scanParquet(filePath).head(0).collectSync().schema;
    // The row count comes from the footer's metadata: no data page is read.
    rows = Number(
      pl.scanParquet(filePath).select(pl.len().cast(pl.Float64)).collectSync().row(0)[0],
    );
  } catch {
    throw new ValidationError(`${label}: not a Parquet file`, 400);
  }
  if (rows === 0) throw new ValidationError(`${label}: the file holds no events`, 400);
  return schema;
}

/**
 * A Parquet column as text. Datetimes become ISO-8601 in UTC with microseconds (the curated
 * precision; naive ones are read as UTC), so no sub-millisecond part or pre-1970 instant is
 * lost on the way to the timestamp parser.
 */
function textExpression(name: string, dtype: pl.DataType | undefined): pl.Expr {
  const column = pl.col(name);
  if (dtype !== undefined && dtype.variant === 'Datetime') {
    return column.cast(pl.Datetime('us', 'UTC')).dt.strftime('%Y-%m-%dT%H:%M:%S%.6fZ');
  }
  return column.cast(pl.Utf8);
}
