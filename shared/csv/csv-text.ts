/**
 * Writing CSV for people who open it in a spreadsheet: RFC 4180 quoting, and text cells that a
 * spreadsheet would run as a formula neutralised (OWASP "CSV Injection"). Numbers stay numbers.
 */

/** A cell: text, a number, a boolean, or empty. */
export type CsvCell = string | number | boolean | null;

const formulaStart = /^[=+\-@\t\r]/;

/**
 * Renders one cell: text starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`; any
 * cell holding a comma, quote, CR or LF is quoted with quotes doubled; null is empty; a
 * non-finite number is empty.
 * @param cell - the value
 * @returns the cell's CSV text
 * @example csvCell('=SUM(A1)') // "'=SUM(A1)"
 */
export function csvCell(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  const safe = formulaStart.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Renders a table with a header row, CRLF line ends (RFC 4180).
 * @param header - column names
 * @param rows - one array of cells per row
 * @returns the CSV text
 * @example csvText(['a'], [[1]]) // 'a\r\n1\r\n'
 */
export function csvText(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
