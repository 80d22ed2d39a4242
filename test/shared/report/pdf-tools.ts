/**
 * poppler-utils for the report tests: the text of a PDF (`pdftotext`), its page count
 * (`pdfinfo`) and a check that every page rasterises without a syntax error (`pdftoppm`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function withPdf<T>(pdf: Buffer, use: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'abtest-report-test-'));
  try {
    const file = path.join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    return use(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Extracts a PDF's text, or one page range's.
 * @param pdf - the PDF bytes
 * @param pages - first and last page (1-based), default all
 * @returns the text in reading order (not the layout mode)
 */
export function pdfText(pdf: Buffer, pages?: readonly [number, number]): string {
  return withPdf(pdf, (file) => {
    const range = pages === undefined ? [] : ['-f', String(pages[0]), '-l', String(pages[1])];
    return execFileSync('pdftotext', [...range, '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  });
}

/**
 * The document information as `pdfinfo -isodates` prints it.
 * @param pdf - the PDF bytes
 * @returns lines such as `CreationDate:   2026-11-26T14:10:29Z`
 */
export function pdfInfo(pdf: Buffer): string {
  return withPdf(pdf, (file) => execFileSync('pdfinfo', ['-isodates', file], { encoding: 'utf8' }));
}

/**
 * Counts pages and rasterises each at 20 dpi, failing on any poppler error output.
 * @param pdf - the PDF bytes
 * @returns the page count and how many PNGs were written
 */
export function rasterise(pdf: Buffer): { pages: number; images: number; errors: string } {
  return withPdf(pdf, (file, dir) => {
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? Number.NaN);
    const run = spawnSync('pdftoppm', ['-png', '-r', '20', file, path.join(dir, 'page')], {
      encoding: 'utf8',
    });
    const images = readdirSync(dir).filter((name) => name.endsWith('.png')).length;
    return {
      pages,
      images,
      errors: `${run.stderr}${run.status === 0 ? '' : ` (exit ${run.status})`}`,
    };
  });
}

/**
 * Collapses white space, so phrases wrapped across lines can be matched.
 * @param text - extracted text
 * @returns the text on one line with single spaces
 */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}
