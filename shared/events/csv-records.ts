/**
 * The two things abtest reads from a CSV file itself rather than through polars: the header
 * record (to name a missing or doubled column before parsing), and the physical line where a
 * record starts (for row errors, with RFC 4180 quoted newlines counted). Records end at a LF
 * outside quotes; a CR before it is part of the line end.
 */
import { createReadStream } from 'node:fs';

/** The header record of a CSV file. */
export interface CsvHeader {
  /** Column names as written, quotes removed. */
  readonly names: readonly string[];
  /** How many physical lines the header takes (more than 1 only with quoted newlines). */
  readonly lines: number;
  /** Whether a record follows the header. */
  readonly hasRows: boolean;
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

/**
 * Parses the first record of CSV text.
 * @param text - the start of the file, BOM removed
 * @returns the header's names and extent, or undefined when the record does not end in `text`
 * @example parseCsvHeader('a,"b ""x"""\n1,2\n').names // ['a', 'b "x"']
 */
export function parseCsvHeader(text: string): CsvHeader | undefined {
  const names: string[] = [];
  let field = '';
  let state = State.FieldStart;
  let lines = 1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (state === State.Quoted) {
      if (c === '"') state = State.QuoteInQuoted;
      else {
        if (c === '\n') lines += 1;
        field += c;
      }
      continue;
    }
    if (state === State.QuoteInQuoted && c === '"') {
      field += '"';
      state = State.Quoted;
      continue;
    }
    if (c === ',') {
      names.push(field);
      field = '';
      state = State.FieldStart;
    } else if (c === '\n') {
      names.push(field.endsWith('\r') ? field.slice(0, -1) : field);
      return { names, lines, hasRows: text.slice(i + 1).trim() !== '' };
    } else if (c === '"' && state === State.FieldStart) {
      state = State.Quoted;
    } else {
      field += c;
      state = State.Unquoted;
    }
  }
  if (state === State.Quoted) return undefined;
  names.push(field.endsWith('\r') ? field.slice(0, -1) : field);
  return { names, lines, hasRows: false };
}

/**
 * The physical line on which each requested record starts. Record 0 is the first after the
 * header; the header starts on line 1.
 * @param filePath - the CSV file
 * @param records - 0-based record indices (any order)
 * @param hasQuote - whether the file contains `"`; when not, record k simply starts on line
 *   `headerLines + k + 1` and the file is not read
 * @param headerLines - how many lines the header takes
 * @returns a map from record index to its 1-based line
 * @example await csvRecordLines('events.csv', [0, 7], true, 1)
 */
export async function csvRecordLines(
  filePath: string,
  records: readonly number[],
  hasQuote: boolean,
  headerLines: number,
): Promise<Map<number, number>> {
  const lines = new Map<number, number>();
  if (!hasQuote) {
    for (const record of records) lines.set(record, headerLines + record + 1);
    return lines;
  }
  const wanted = [...new Set(records)].sort((a, b) => a - b);
  let next = 0;
  let line = 1;
  let record = -1;
  let state = State.FieldStart;
  const stream = createReadStream(filePath, { highWaterMark: 4 * 1024 * 1024 });
  for await (const piece of stream as AsyncIterable<Buffer>) {
    for (let i = 0; i < piece.length; i += 1) {
      const byte = piece[i];
      if (byte === 0x0a) {
        line += 1;
        if (state === State.Quoted) continue;
        record += 1;
        state = State.FieldStart;
        while (next < wanted.length && wanted[next] === record) {
          lines.set(record, line);
          next += 1;
        }
        if (next === wanted.length) {
          stream.destroy();
          return lines;
        }
      } else if (byte === 0x22) {
        if (state === State.FieldStart) state = State.Quoted;
        else if (state === State.Quoted) state = State.QuoteInQuoted;
        else if (state === State.QuoteInQuoted) state = State.Quoted;
      } else if (byte === 0x2c) {
        if (state !== State.Quoted) state = State.FieldStart;
      } else if (state === State.FieldStart || state === State.QuoteInQuoted) {
        if (byte !== 0x0d) state = State.Unquoted;
      }
    }
  }
  return lines;
}
