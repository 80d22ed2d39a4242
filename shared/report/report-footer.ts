/**
 * The footer of every page: the experiment and analysis ids on the left, `Page i of n` on the
 * right. Drawn last, over the buffered pages, when the page count is known.
 */
import type { ReportCanvas } from './report-canvas.ts';
import { COLOR, PAGE, SIZE } from './report-style.ts';

/**
 * Draws the footer on every buffered page.
 * @param canvas - the report canvas (its document created with `bufferPages: true`)
 * @param experimentId - the experiment id
 * @param analysisId - the analysis id
 * @param version - the abtest version
 * @example drawFooters(canvas, 'checkout-redesign', 'an_0123', '0.1.0')
 */
export function drawFooters(
  canvas: ReportCanvas,
  experimentId: string,
  analysisId: string,
  version: string,
): void {
  const { doc } = canvas;
  const range = doc.bufferedPageRange();
  const y = PAGE.height - PAGE.margin.bottom + 22;
  const style = { size: SIZE.footer, color: COLOR.muted } as const;
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    doc
      .moveTo(canvas.left, y - 6)
      .lineTo(canvas.right, y - 6)
      .lineWidth(0.5)
      .strokeColor(COLOR.rule)
      .stroke();
    const page = `Page ${i + 1} of ${range.count}`;
    const pageWidth = canvas.textWidth(page, style) + 2;
    const idText = canvas.fitLine(
      `Experiment ${experimentId} | analysis ${analysisId} | abtest ${version}`,
      canvas.width - pageWidth - 12,
      style,
    );
    canvas.drawText(idText, canvas.left, y, canvas.width - pageWidth - 12, style, 12);
    canvas.drawText(page, canvas.right - pageWidth, y, pageWidth, { ...style, align: 'right' }, 12);
  }
}
