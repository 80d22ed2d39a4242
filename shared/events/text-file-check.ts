/**
 * The checks a text upload must pass before it is parsed: UTF-8 throughout, no NUL bytes
 * (binary content), not empty. One streaming pass in large chunks, so a file of gigabytes is
 * checked without being held in memory; an upload already in memory is checked where it is.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { ValidationError } from '../errors/errors.ts';

/** What the pass learnt about a text file. */
export interface TextFileFacts {
  readonly bytes: number;
  /** Whether a `"` occurs anywhere (when not, CSV records are exactly its lines). */
  readonly hasQuote: boolean;
  /** The first bytes, BOM removed (at most 1 MiB), for reading the header. */
  readonly head: Buffer;
}

const headBytes = 1024 * 1024;
const quote = 0x22;

/** Text to check: a file's path, or the bytes themselves. */
export type TextSource = string | Buffer;

/** The bytes of a source from `start` to `end` (inclusive), in large pieces. */
function piecesOf(source: TextSource, start = 0, end = Infinity): AsyncIterable<Buffer> | Buffer[] {
  if (typeof source !== 'string') return [source.subarray(start, end + 1)];
  return createReadStream(source, {
    start,
    ...(end === Infinity ? {} : { end }),
    highWaterMark: 4 * 1024 * 1024,
  }) as AsyncIterable<Buffer>;
}

/**
 * Checks that a file is non-empty UTF-8 text without NUL bytes.
 * @param source - the file, or its bytes
 * @param label - the name the user knows the file by, used in error messages
 * @returns size, whether it holds quotes, and its first bytes
 * @throws {ValidationError} naming the file, the line and column, and the problem
 * @example const facts = await checkTextFile('/tmp/events.csv', 'events.csv')
 */
export async function checkTextFile(source: TextSource, label: string): Promise<TextFileFacts> {
  let offset = 0;
  let carry = Buffer.alloc(0);
  let hasQuote = false;
  const headParts: Buffer[] = [];
  let headLength = 0;
  for await (const piece of piecesOf(source)) {
    if (headLength < headBytes) {
      headParts.push(piece.subarray(0, headBytes - headLength));
      headLength += Math.min(piece.length, headBytes - headLength);
    }
    const chunk = carry.length === 0 ? piece : Buffer.concat([carry, piece]);
    const chunkStart = offset - carry.length;
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      throw await positionedError(source, label, chunkStart + nul, 'binary content (a NUL byte)');
    }
    if (!hasQuote && chunk.indexOf(quote) >= 0) hasQuote = true;
    const end = completeCharactersEnd(chunk);
    if (!isUtf8(chunk.subarray(0, end))) {
      const bad = chunkStart + firstInvalidUtf8(chunk.subarray(0, end));
      throw await positionedError(source, label, bad, 'bytes that are not UTF-8 text');
    }
    carry = Buffer.from(chunk.subarray(end));
    offset += piece.length;
  }
  if (carry.length > 0) {
    throw await positionedError(
      source,
      label,
      offset - carry.length,
      'bytes that are not UTF-8 text (truncated character)',
    );
  }
  const withBom = Buffer.concat(headParts);
  const head = hasBom(withBom) ? withBom.subarray(3) : withBom;
  if (isBlank(head)) {
    throw new ValidationError(`${label}: the file is empty`, 400);
  }
  return { bytes: offset, hasQuote, head };
}

/**
 * The facts of a file {@link checkTextFile} already passed (a stored batch's raw bytes, checked
 * when they were uploaded), from its head alone: the rest of the file is not read again.
 * @param file - the file
 * @param label - the name the user knows the file by, used in error messages
 * @returns its size, its head, and whether it may hold quotes (true unless the head is the
 *   whole file and holds none)
 * @throws {ValidationError} when the file is empty
 * @example const facts = await readTextHead('/data/raw/b_1.csv', 'events.csv')
 */
export async function readTextHead(file: string, label: string): Promise<TextFileFacts> {
  const handle = await open(file, 'r');
  try {
    const bytes = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.min(bytes, headBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const withBom = buffer.subarray(0, bytesRead);
    const head = hasBom(withBom) ? withBom.subarray(3) : withBom;
    if (isBlank(head)) throw new ValidationError(`${label}: the file is empty`, 400);
    return { bytes, hasQuote: bytes > bytesRead || head.indexOf(quote) >= 0, head };
  } finally {
    await handle.close();
  }
}

/** Whether text holds nothing but white space, decoding it only when a non-ASCII byte comes first. */
function isBlank(text: Buffer): boolean {
  for (const byte of text) {
    if (byte >= 0x80) return text.toString('utf8').trim() === '';
    if (byte !== 0x20 && (byte < 0x09 || byte > 0x0d)) return false;
  }
  return true;
}

function hasBom(buffer: Buffer): boolean {
  return buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
}

/** Where the last complete UTF-8 character of a chunk ends (a split character waits for the next). */
function completeCharactersEnd(chunk: Buffer): number {
  let start = chunk.length - 1;
  const limit = Math.max(0, chunk.length - 4);
  while (start >= limit && ((chunk[start] ?? 0) & 0xc0) === 0x80) start -= 1;
  if (start < 0 || start < limit) return chunk.length;
  const lead = chunk[start] ?? 0;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return chunk.length - start >= need ? chunk.length : start;
}

/** The offset of the first byte that breaks UTF-8 (only called once a chunk failed). */
function firstInvalidUtf8(chunk: Buffer): number {
  let i = 0;
  while (i < chunk.length) {
    const lead = chunk[i] ?? 0;
    const need =
      lead < 0x80
        ? 0
        : lead >= 0xc2 && lead <= 0xdf
          ? 1
          : lead >= 0xe0 && lead <= 0xef
            ? 2
            : lead >= 0xf0 && lead <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    if (need > 0 && !isUtf8(chunk.subarray(i, i + need + 1))) return i;
    i += need + 1;
  }
  return chunk.length;
}

async function positionedError(source: TextSource, label: string, offset: number, problem: string) {
  const { line, column } = await lineAndColumnAt(source, offset);
  return new ValidationError(`${label}: line ${line}, column ${column}: ${problem}`, 400, { line });
}

/**
 * The 1-based line and character column of an offset: the bytes before it on its line are
 * valid UTF-8 (the offset is the first bad byte), so the column counts characters, as an
 * editor shows it, and a leading BOM is not one.
 */
async function lineAndColumnAt(source: TextSource, offset: number) {
  let line = 1;
  let lineStart = 0;
  let position = 0;
  if (offset > 0) {
    for await (const piece of piecesOf(source, 0, offset - 1)) {
      let index = piece.indexOf(0x0a);
      while (index >= 0) {
        line += 1;
        lineStart = position + index + 1;
        index = piece.indexOf(0x0a, index + 1);
      }
      position += piece.length;
    }
  }
  let characters = 0;
  if (offset > lineStart) {
    let first = true;
    for await (const piece of piecesOf(source, lineStart, offset - 1)) {
      const text = piece.toString('latin1');
      // Every byte that does not continue a character starts one.
      characters += text.length - (text.match(/[\x80-\xbf]/g)?.length ?? 0);
      if (first && lineStart === 0 && hasBom(piece)) characters -= 1;
      first = false;
    }
  }
  return { line, column: characters + 1 };
}
