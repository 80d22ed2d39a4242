/**
 * Tables for the report: a shaded header row repeated on every page the table spans, zebra
 * rows, wrapped cells (a cell given as lines starts each on a new line) cut with an ellipsis
 * past a few lines, and rows that never split across pages.
 */
import { oneLine } from './pdf-safe-text.ts';
import type { ReportCanvas, TextStyle } from './report-canvas.ts';
import { COLOR, SIZE } from './report-style.ts';

/** One column of a table. */
export interface TableColumn {
  readonly header: string;
  /** Width in points; columns are scaled down together when they exceed the page. */
  readonly width: number;
  readonly align?: 'left' | 'right' | 'center';
  readonly font?: TextStyle['font'];
}

/** A cell: one string, or lines that each start on a new line. */
export type TableCell = string | readonly string[];

/** A table to draw. */
export interface TableSpec {
  readonly columns: readonly TableColumn[];
  /** One cell per column per row: a string, or its lines (each put on one line first). */
  readonly rows: readonly (readonly TableCell[])[];
  /** Font size of the cells (default 8 pt). */
  readonly size?: number;
  /** Most lines a cell shows (default 4). */
  readonly maxLines?: number;
}

const padX = 3;
const padY = 3;

/**
 * Draws a table at the cursor, across pages when needed, and moves the cursor below it.
 * @param canvas - the report canvas
 * @param table - columns and rows
 * @example drawTable(canvas, { columns: [{ header: 'Variant', width: 100 }], rows: [['control']] })
 */
export function drawTable(canvas: ReportCanvas, table: TableSpec): void {
  const size = table.size ?? SIZE.table;
  const lineHeight = canvas.measure('X', 100, { size });
  const maxCell = (table.maxLines ?? 4) * lineHeight;
  const total = table.columns.reduce((sum, column) => sum + column.width, 0);
  const scale = total > canvas.width ? canvas.width / total : 1;
  const widths = table.columns.map((column) => column.width * scale);
  const headerStyle: TextStyle = { font: 'bold', size };

  const rowHeight = (cells: readonly string[], style: (i: number) => TextStyle): number =>
    Math.max(
      ...cells.map((cell, i) =>
        Math.min(maxCell, canvas.measure(cell, (widths[i] ?? 0) - 2 * padX, style(i))),
      ),
      lineHeight,
    ) +
    2 * padY;

  const drawRow = (
    cells: readonly string[],
    height: number,
    fill: string | null,
    style: (i: number) => TextStyle,
  ): void => {
    if (fill !== null) canvas.doc.rect(canvas.left, canvas.y, sum(widths), height).fill(fill);
    let x = canvas.left;
    cells.forEach((cell, i) => {
      const width = widths[i] ?? 0;
      const align = table.columns[i]?.align ?? 'left';
      canvas.drawText(
        cell,
        x + padX,
        canvas.y + padY,
        width - 2 * padX,
        { ...style(i), align, ellipsis: true },
        height - 2 * padY + 0.5,
      );
      x += width;
    });
    canvas.y += height;
  };

  const headers = table.columns.map((column) => column.header);
  const rows = table.rows.map((row) => row.map(cellText));
  const headerHeight = rowHeight(headers, () => headerStyle);
  const drawHeader = (): void => {
    drawRow(headers, headerHeight, COLOR.headerFill, () => headerStyle);
    rule(canvas, widths, 0.8);
  };

  const cellStyle = (i: number): TextStyle => ({ size, font: table.columns[i]?.font ?? 'regular' });
  const firstRow = rows[0];
  canvas.ensureSpace(headerHeight + (firstRow === undefined ? 0 : rowHeight(firstRow, cellStyle)));
  drawHeader();
  rows.forEach((cells, index) => {
    const height = rowHeight(cells, cellStyle);
    if (canvas.ensureSpace(height)) drawHeader();
    drawRow(cells, height, index % 2 === 1 ? COLOR.zebra : null, cellStyle);
  });
  rule(canvas, widths, 0.8);
  canvas.y += 8;
}

function cellText(cell: TableCell): string {
  return typeof cell === 'string' ? oneLine(cell) : cell.map(oneLine).join('\n');
}

function rule(canvas: ReportCanvas, widths: readonly number[], lineWidth: number): void {
  canvas.doc
    .moveTo(canvas.left, canvas.y)
    .lineTo(canvas.left + sum(widths), canvas.y)
    .lineWidth(lineWidth)
    .strokeColor(COLOR.rule)
    .stroke();
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
