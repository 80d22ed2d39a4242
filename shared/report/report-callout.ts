/**
 * A shaded box with a coloured bar on its left, a bold title and a few paragraphs: the verdict
 * and the sample-ratio warning of page one.
 */
import type { ReportCanvas } from './report-canvas.ts';
import { SIZE } from './report-style.ts';

/** What a callout shows. */
export interface Callout {
  readonly title: string;
  readonly paragraphs: readonly string[];
  /** Background colour. */
  readonly fill: string;
  /** Bar and title colour. */
  readonly accent: string;
  /** Title size (default 13 pt). */
  readonly titleSize?: number;
}

const pad = 9;
const bar = 4;

/**
 * Draws a callout at the cursor (on a new page when it does not fit) and moves below it.
 * @param canvas - the report canvas
 * @param callout - title, paragraphs and colours
 * @example drawCallout(canvas, { title: 'Warning', paragraphs: ['...'], fill: '#fee', accent: '#a00' })
 */
export function drawCallout(canvas: ReportCanvas, callout: Callout): void {
  const inner = canvas.width - 2 * pad - bar;
  const titleStyle = {
    font: 'bold',
    size: callout.titleSize ?? 13,
    color: callout.accent,
  } as const;
  const bodyStyle = { size: SIZE.body + 0.5, lineGap: 1.5 } as const;
  const titleHeight = canvas.measure(callout.title, inner, titleStyle);
  const heights = callout.paragraphs.map((p) => canvas.measure(p, inner, bodyStyle));
  const height = 2 * pad + titleHeight + heights.reduce((sum, h) => sum + h + 5, 0);
  canvas.ensureSpace(height);
  const top = canvas.y;
  canvas.doc.rect(canvas.left, top, canvas.width, height).fill(callout.fill);
  canvas.doc.rect(canvas.left, top, bar, height).fill(callout.accent);
  let y = top + pad;
  const x = canvas.left + bar + pad;
  canvas.drawText(callout.title, x, y, inner, titleStyle);
  y += titleHeight + 5;
  callout.paragraphs.forEach((paragraph, i) => {
    canvas.drawText(paragraph, x, y, inner, bodyStyle);
    y += (heights[i] ?? 0) + 5;
  });
  canvas.y = top + height + 10;
}
