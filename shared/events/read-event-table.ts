/**
 * Opens an events file of any of the four formats as one lazy polars table of text columns
 * (canonical lower-case names, every value as written), plus the record index `__row` and a
 * way back from a record to its line. File errors (DESIGN.md "Events contract") are thrown
 * here, before anything is parsed row by row.
 */
import { readFile } from 'node:fs/promises';
import pl from 'nodejs-polars';
import { ValidationError } from '../errors/errors.ts';
import { csvRecordLines, parseCsvHeader } from './csv-records.ts';
import { canonicalColumnName, requiredColumns, type SourceFormat } from './events-contract.ts';
import { jsonArrayColumns, ndjsonColumns, type TextColumns } from './json-events.ts';
import { checkTextFile } from './text-file-check.ts';

/** The record index column added to every table. */
export const rowIndexColumn = '__row';

/** An events file opened for validation. */
export interface EventTable {
  /** Text columns under canonical names, plus {@link rowIndexColumn}. */
  readonly frame: pl.LazyDataFrame;
  /** The canonical data column names, in the file's order. */
  readonly columns: readonly string[];
  /** The 1-based line (CSV, NDJSON) or element/row number (JSON array, Parquet) of records. */
  lineOf(records: readonly number[]): Promise<Map<number, number>>;
}

/**
 * Opens an events file.
 * @param filePath - where the bytes are
 * @param format - the format the upload claimed
 * @param label - the name the user knows the file by
 * @returns the table, not yet validated row by row
 * @throws {ValidationError} for every file error: empty, header only, a required column
 *   missing, a column named twice, not UTF-8, binary, broken JSON, not Parquet
 * @example const table = await readEventTable('/tmp/e.csv', 'csv', 'e.csv')
 */
export async function readEventTable(
  filePath: string,
  format: SourceFormat,
  label: string,
): Promise<EventTable> {
  switch (format) {
    case 'csv':
      return readCsvTable(filePath, label);
    case 'ndjson':
    case 'json':
      return readJsonTable(filePath, format, label);
    case 'parquet':
      return readParquetTable(filePath, label);
  }
}

/**
 * Checks a header: names present, none twice (case-insensitively), every required one there.
 * @param names - the column names as written
 * @param label - the file's name for messages
 * @returns the canonical names
 * @throws {ValidationError} naming the doubled or missing columns
 * @example checkHeader(['User_ID', 'variant'], 'a.csv') // throws: missing columns
 */
export function checkHeader(names: readonly string[], label: string): string[] {
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
  const missing = requiredColumns.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    const list = missing.map((name) => `"${name}"`).join(', ');
    throw new ValidationError(
      `${label}: missing required column${missing.length > 1 ? 's' : ''} ${list}`,
      422,
      { line: 1, column: missing[0] },
    );
  }
  return canonical;
}

async function readCsvTable(filePath: string, label: string): Promise<EventTable> {
  const facts = await checkTextFile(filePath, label);
  const header = parseCsvHeader(facts.head.toString('utf8'));
  if (header === undefined) {
    throw new ValidationError(`${label}: line 1: the header does not end (unclosed quote?)`, 400, {
      line: 1,
    });
  }
  const columns = checkHeader(header.names, label);
  if (!header.hasRows)
    throw new ValidationError(`${label}: the file has a header but no rows`, 400);
  const frame = pl
    .scanCSV(filePath, { hasHeader: true, inferSchemaLength: 0, rowIndexName: rowIndexColumn })
    .rename(Object.fromEntries(header.names.map((name, i) => [name, columns[i] ?? name])));
  return {
    frame,
    columns,
    lineOf: (records) => csvRecordLines(filePath, records, facts.hasQuote, header.lines),
  };
}

async function readJsonTable(
  filePath: string,
  format: 'ndjson' | 'json',
  label: string,
): Promise<EventTable> {
  await checkTextFile(filePath, label);
  const text = (await readFile(filePath, 'utf8')).replace(/^\uFEFF/, '');
  const parsed: TextColumns =
    format === 'ndjson' ? ndjsonColumns(text, label) : jsonArrayColumns(text, label);
  if (parsed.lines.length === 0)
    throw new ValidationError(`${label}: the file holds no events`, 400);
  const columns = checkHeader(parsed.columns, label);
  const series = columns.map((name) => pl.Series(name, parsed.values.get(name) ?? [], pl.Utf8));
  const frame = pl.DataFrame(series).withRowIndex(rowIndexColumn).lazy();
  return {
    frame,
    columns,
    lineOf: async (records) =>
      new Map(records.map((record) => [record, parsed.lines[record] ?? record + 1])),
  };
}

async function readParquetTable(filePath: string, label: string): Promise<EventTable> {
  const schema = readParquetSchema(filePath, label);
  const names = Object.keys(schema);
  const columns = checkHeader(names, label);
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
  };
}

function readParquetSchema(filePath: string, label: string): Record<string, pl.DataType> {
  try {
    return pl.scanParquet(filePath).head(0).collectSync().schema;
  } catch {
    throw new ValidationError(`${label}: not a Parquet file`, 400);
  }
}

/** A Parquet column as text; datetimes become epoch milliseconds (naive ones read as UTC). */
function textExpression(name: string, dtype: pl.DataType | undefined): pl.Expr {
  const column = pl.col(name);
  if (dtype !== undefined && dtype.variant === 'Datetime') {
    const unit = (dtype as unknown as { timeUnit?: string }).timeUnit ?? 'us';
    const perMs = unit === 'ns' ? 1_000_000 : unit === 'us' ? 1000 : 1;
    return column.cast(pl.Int64).div(perMs).cast(pl.Int64).cast(pl.Utf8);
  }
  return column.cast(pl.Utf8);
}
