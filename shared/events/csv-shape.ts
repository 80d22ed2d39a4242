/**
 * What a CSV export looks like when it is not the comma-separated CSV abtest reads, so the file
 * error says so instead of naming columns it does not have: a spreadsheet's `sep=` line in
 * front of the header (Excel writes one), a header separated by semicolons or tabs (a
 * locale's list separator), and lines that end with CR alone (classic Mac).
 */
import { ValidationError } from '../errors/errors.ts';

/**
 * Checks the shape of a CSV file's first line.
 * @param head - the first bytes of the file, as text
 * @param names - the header's cells as read with commas
 * @param label - the file's name for messages
 * @throws {ValidationError} (400) naming the shape found and what to do
 * @example checkCsvShape('sep=;\r\nuser_id;variant', ['sep=;'], 'export.csv') // throws
 */
export function checkCsvShape(head: string, names: readonly string[], label: string): void {
  const first = names[0]?.trim() ?? '';
  const separator = /^sep=(.?)$/i.exec(first);
  if (separator !== null && names.length <= 2) {
    throw new ValidationError(
      `${label}: line 1 is a spreadsheet's "sep=${separator[1] ?? ''}" line, not the header: remove it (abtest reads comma-separated CSV with the header on line 1)`,
      400,
      { line: 1 },
    );
  }
  const firstLine = head.split('\n', 1)[0] ?? '';
  if (!head.includes('\n') && head.includes('\r')) {
    throw new ValidationError(
      `${label}: its lines end with a carriage return alone (CR, as on a classic Mac): save it with LF or CRLF line endings`,
      400,
      { line: 1 },
    );
  }
  if (names.length === 1) {
    const other = firstLine.includes(';') ? 'semicolons' : firstLine.includes('\t') ? 'tabs' : '';
    if (other !== '') {
      throw new ValidationError(
        `${label}: line 1 separates its columns with ${other}, not commas: export it as comma-separated CSV`,
        400,
        { line: 1 },
      );
    }
  }
}
