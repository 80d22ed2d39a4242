/**
 * The physical line where each CSV record starts, found by native searches from quote to line
 * end, against a plain byte-by-byte reading of RFC 4180 on random files, read in chunks small
 * enough that quotes, doubled quotes and line ends fall on every chunk boundary.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecordLines } from '../../../shared/events/csv-records.ts';
import { useTempFiles } from './helpers.ts';

const write = useTempFiles();

/** A field: plain text, or quoted with commas, doubled quotes and CRLF/LF line breaks. */
const field = fc.oneof(
  fc.stringMatching(/^[a-z0-9 ]{0,6}$/),
  fc
    .array(fc.constantFrom('a', ',', '""', '\n', '\r\n', ' '), { maxLength: 6 })
    .map((parts) => `"${parts.join('')}"`),
);
const record = fc.array(field, { minLength: 1, maxLength: 4 }).map((fields) => fields.join(','));

/** Start lines of records 0.. by reading one byte at a time (the header is record -1). */
function referenceLines(text: string): number[] {
  const starts: number[] = [];
  let line = 1;
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\n') {
      line += 1;
      if (!quoted) {
        starts.push(line);
        fieldStart = true;
      }
    } else if (c === '"') {
      if (quoted && text[i + 1] === '"') i += 1;
      else if (quoted) quoted = false;
      else if (fieldStart) quoted = true;
      fieldStart = false;
    } else {
      fieldStart = c === ',' || (fieldStart && c === '\r');
    }
  }
  return starts;
}

describe('csvRecordLines', () => {
  it('matches a byte-by-byte reading on random files, whatever the chunk size', async () => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 2, maxLength: 25 }),
        fc.integer({ min: 1, max: 17 }),
        async (records, chunkBytes) => {
          const text = `${records.join('\n')}\n`;
          const path = await write(`random-${(file += 1)}.csv`, text);
          const expected = referenceLines(text).slice(0, records.length - 1);
          const wanted = expected.map((_, index) => index);
          const lines = await csvRecordLines(path, wanted, true, 1, chunkBytes);
          expect(wanted.map((index) => lines.get(index))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
