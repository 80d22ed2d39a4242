/**
 * Writes generated rows as CSV (RFC 4180, quoted where needed) or NDJSON, streamed in large
 * chunks so tens of millions of rows never sit in memory.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { generatedColumns, type GeneratedRow } from './generate-events.ts';

/**
 * Writes rows to a file.
 * @param filePath - the destination
 * @param format - csv or ndjson
 * @param rows - the rows
 * @param columns - the header (default: the generated events' columns)
 * @returns when the file is complete
 * @example await writeGeneratedFile('events.csv', 'csv', generateEvents(options, truth))
 */
export async function writeGeneratedFile(
  filePath: string,
  format: 'csv' | 'ndjson',
  rows: Iterable<GeneratedRow>,
  columns: readonly string[] = generatedColumns,
): Promise<void> {
  const out = createWriteStream(filePath);
  let chunk = format === 'csv' ? `${columns.join(',')}\n` : '';
  for (const row of rows) {
    chunk += format === 'csv' ? csvLine(row) : ndjsonLine(row, columns);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

function csvLine(row: GeneratedRow): string {
  let line = '';
  for (let i = 0; i < row.length; i += 1) {
    const cell = row[i] ?? '';
    if (i > 0) line += ',';
    line += /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
  }
  return `${line}\n`;
}

function ndjsonLine(row: GeneratedRow, columns: readonly string[]): string {
  const record: Record<string, string | number | null> = {};
  columns.forEach((name, i) => {
    const cell = row[i] ?? '';
    record[name] = cell === '' ? null : name === 'value' ? Number(cell) : cell;
  });
  return `${JSON.stringify(record)}\n`;
}
