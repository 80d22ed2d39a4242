/**
 * The two things abtest reads from a CSV file itself rather than through polars: the header
 * record (to name a missing or doubled column before parsing), and the physical line where a
 * record starts (for row errors, with RFC 4180 quoted newlines counted). Records end at a LF
 * outside quotes; a CR before it is part of the line end.
 */
import { createReadStream } from 'node:fs';

/** How many LF bytes lie in `buffer[from, to)`. */
function countLineEnds(buffer: Buffer, from: number, to: number): number {
  let count = 0;
  let at = buffer.indexOf(0x0a, from);
  while (at >= 0 && at < to) {
    count += 1;
    at = buffer.indexOf(0x0a, at + 1);
  }
  return count;
}

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
 * @param chunkBytes - how much of the file is read at a time
 * @returns a map from record index to its 1-based line
 * @example await csvRecordLines('events.csv', [0, 7], true, 1)
 */
export async function csvRecordLines(
  filePath: string,
  records: readonly number[],
  hasQuote: boolean,
  headerLines: number,
  chunkBytes = 4 * 1024 * 1024,
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
  let quoted = false;
  // A quote closing a quoted field at the very end of a chunk: the next byte decides whether
  // it was a doubled (escaped) quote.
  let quoteAtEnd = false;
  let previous = 0x0a;
  const stream = createReadStream(filePath, { highWaterMark: chunkBytes });
  for await (const piece of stream as AsyncIterable<Buffer>) {
    // Native searches jump from quote to line end: a gigabyte is scanned without a JS step per
    // byte. A quote opens a quoted field only at a field's start (after a comma or a line end).
    let at = 0;
    if (quoteAtEnd) {
      quoteAtEnd = false;
      if (piece[0] === 0x22) at = 1;
      else quoted = false;
    }
    let nextQuote = piece.indexOf(0x22, at);
    while (at < piece.length) {
      if (quoted) {
        const end = nextQuote < 0 ? piece.length : nextQuote;
        line += countLineEnds(piece, at, end);
        if (nextQuote < 0) {
          at = piece.length;
          break;
        }
        if (nextQuote + 1 === piece.length) quoteAtEnd = true;
        else if (piece[nextQuote + 1] !== 0x22) quoted = false;
        at = nextQuote + 2;
        nextQuote = piece.indexOf(0x22, at);
        if (!quoted && !quoteAtEnd) at -= 1;
        continue;
      }
      const lineEnd = piece.indexOf(0x0a, at);
      if (nextQuote >= 0 && (lineEnd < 0 || nextQuote < lineEnd)) {
        const before = nextQuote > 0 ? piece[nextQuote - 1] : previous;
        if (before === 0x2c || before === 0x0a) quoted = true;
        at = nextQuote + 1;
        nextQuote = piece.indexOf(0x22, at);
        continue;
      }
      if (lineEnd < 0) break;
      line += 1;
      record += 1;
      while (next < wanted.length && wanted[next] === record) {
        lines.set(record, line);
        next += 1;
      }
      if (next === wanted.length) {
        stream.destroy();
        return lines;
      }
      at = lineEnd + 1;
    }
    previous = piece[piece.length - 1] ?? previous;
  }
  return lines;
}
