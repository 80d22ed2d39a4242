/**
 * A thin cursor over a pdfkit document: the report's sections draw top to bottom through it,
 * ask for room before each block (a block that does not fit starts a new page) and never let
 * pdfkit add pages on its own. Every string goes through {@link displayText} (cut, with a mark,
 * when too long to lay out) and {@link pdfSafeText} on the way in.
 */
import { displayText } from './display-text.ts';
import { oneLine, pdfSafeText } from './pdf-safe-text.ts';
import { COLOR, FONT, PAGE, SIZE, type LineStroke } from './report-style.ts';

/** How a piece of text looks. */
export interface TextStyle {
  readonly font?: keyof typeof FONT;
  readonly size?: number;
  readonly color?: string;
  readonly align?: 'left' | 'center' | 'right';
  readonly lineGap?: number;
  /** Cut text that overflows its height with an ellipsis. */
  readonly ellipsis?: boolean;
}

/** The report's page cursor over a pdfkit document. */
export class ReportCanvas {
  /** The pdfkit document (for vector drawing). */
  readonly doc: PDFKit.PDFDocument;
  /** The left edge of the content area. */
  readonly left: number = PAGE.margin.left;
  /** The width of the content area. */
  readonly width: number = PAGE.width - PAGE.margin.left - PAGE.margin.right;
  /** The top of the content area. */
  readonly top: number = PAGE.margin.top;
  /** The bottom of the content area (the footer lives below it). */
  readonly bottom: number = PAGE.height - PAGE.margin.bottom;
  /** Where the next block starts. */
  y: number = PAGE.margin.top;

  /**
   * @param doc - a pdfkit document whose first page already exists
   */
  constructor(doc: PDFKit.PDFDocument) {
    this.doc = doc;
  }

  /** The right edge of the content area. */
  get right(): number {
    return this.left + this.width;
  }

  /**
   * Starts a new page and puts the cursor at its top.
   * @example canvas.newPage()
   */
  newPage(): void {
    this.doc.addPage();
    this.y = this.top;
  }

  /**
   * Makes sure a block of the given height fits below the cursor, starting a new page if not
   * (unless the cursor is already at the top of a page).
   * @param height - the block's height in points
   * @returns true when a new page was started
   * @example if (canvas.ensureSpace(40)) drawHeader()
   */
  ensureSpace(height: number): boolean {
    if (this.y + height <= this.bottom || this.y <= this.top) return false;
    this.newPage();
    return true;
  }

  /**
   * Moves the cursor down.
   * @param points - the distance
   * @example canvas.moveDown(6)
   */
  moveDown(points: number): void {
    this.y += points;
  }

  /**
   * Sets the document's font, size and fill colour.
   * @param style - the style (defaults: regular 10 pt, text colour)
   * @example canvas.applyStyle({ font: 'bold' })
   */
  applyStyle(style: TextStyle = {}): void {
    this.doc
      .font(FONT[style.font ?? 'regular'])
      .fontSize(style.size ?? SIZE.body)
      .fillColor(style.color ?? COLOR.text);
  }

  /**
   * The height the text takes when wrapped to a width.
   * @param text - the text
   * @param width - the wrapping width
   * @param style - its style
   * @returns the height in points
   * @example canvas.measure('Hello', 100)
   */
  measure(text: string, width: number, style: TextStyle = {}): number {
    this.applyStyle(style);
    return this.doc.heightOfString(shown(text), { width, lineGap: style.lineGap ?? 1 });
  }

  /**
   * The width of one line of text.
   * @param text - the text
   * @param style - its style
   * @returns the width in points
   * @example canvas.textWidth('n/a', { size: 8 })
   */
  textWidth(text: string, style: TextStyle = {}): number {
    this.applyStyle(style);
    return this.doc.widthOfString(shown(text));
  }

  /**
   * Shortens text with an ellipsis until it fits on one line of the given width.
   * @param text - the text
   * @param width - the available width
   * @param style - its style
   * @returns the text, shortened when needed
   * @example canvas.fitLine('a very long variant name', 40)
   */
  fitLine(text: string, width: number, style: TextStyle = {}): string {
    const safe = shown(oneLine(text));
    if (this.textWidth(safe, style) <= width) return safe;
    let low = 0;
    let high = safe.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.textWidth(`${safe.slice(0, middle)}...`, style) <= width) low = middle;
      else high = middle - 1;
    }
    return `${safe.slice(0, low).trimEnd()}...`;
  }

  /**
   * Draws wrapped text at a position without moving the cursor; it never spills onto a new
   * page (text beyond `maxHeight` is cut).
   * @param text - the text
   * @param x - left edge
   * @param y - top edge
   * @param width - wrapping width
   * @param style - its style
   * @param maxHeight - the most room it may take (default: down to the page's bottom edge)
   * @returns the height drawn
   * @example canvas.drawText('n/a', 60, 100, 40, { size: 8, align: 'right' })
   */
  drawText(
    text: string,
    x: number,
    y: number,
    width: number,
    style: TextStyle = {},
    maxHeight: number = PAGE.height - y,
  ): number {
    const height = this.measure(text, width, style);
    this.doc.text(shown(text), x, y, {
      width,
      height: Math.max(maxHeight, 1),
      align: style.align ?? 'left',
      lineGap: style.lineGap ?? 1,
      ellipsis: style.ellipsis === true ? '...' : undefined,
    });
    return height;
  }

  /**
   * Draws a paragraph at the cursor across the content width (or indented), starting a new
   * page first when it does not fit, and moves the cursor below it.
   * @param text - the text
   * @param style - its style
   * @param indent - left indent in points
   * @param after - space below it
   * @example canvas.paragraph('The difference is not significant.')
   */
  paragraph(text: string, style: TextStyle = {}, indent = 0, after = 5): void {
    const width = this.width - indent;
    const height = this.measure(text, width, style);
    this.ensureSpace(height);
    this.drawText(text, this.left + indent, this.y, width, style, this.bottom - this.y + 2);
    this.y += height + after;
  }

  /**
   * Draws a bulleted paragraph.
   * @param text - the text
   * @param style - its style
   * @param dotColor - the bullet's colour (default: the text's)
   * @example canvas.bullet('8 rows were rejected.')
   */
  bullet(text: string, style: TextStyle = {}, dotColor?: string): void {
    const height = this.measure(text, this.width - 14, style);
    this.ensureSpace(height);
    const size = style.size ?? SIZE.body;
    const radius = dotColor === undefined ? 1.6 : 3;
    this.doc
      .circle(this.left + 5, this.y + size * 0.42, radius)
      .fill(dotColor ?? style.color ?? COLOR.text);
    this.paragraph(text, style, 14, 3);
  }

  /**
   * Draws a heading, keeping it on the page of the block that follows it.
   * @param text - the heading
   * @param level - 1 (section) or 2 (subsection)
   * @param keepWithNext - room the following block needs on the same page (default 110 pt after
   *   a section heading, 60 pt after a subheading)
   * @example canvas.heading('Metrics', 1)
   */
  heading(text: string, level: 1 | 2 = 1, keepWithNext = level === 1 ? 110 : 60): void {
    const size = level === 1 ? SIZE.heading : SIZE.subheading;
    const height = this.measure(text, this.width, { font: 'bold', size });
    this.ensureSpace(height + keepWithNext);
    if (this.y > this.top) this.y += level === 1 ? 8 : 4;
    this.drawText(text, this.left, this.y, this.width, { font: 'bold', size });
    this.y += height + (level === 1 ? 2 : 3);
    if (level === 1) {
      this.line(this.left, this.y, this.right, this.y, { width: 0.7, color: COLOR.rule });
      this.y += 8;
    }
  }

  /**
   * Strokes a straight line (a rule, a gridline, an axis, a tick), dashed 3 on 2 when asked.
   * @param x0 - start x
   * @param y0 - start y
   * @param x1 - end x
   * @param y1 - end y
   * @param stroke - its width, colour and dash
   * @example canvas.line(x0, y, x1, y, STROKE.grid)
   */
  line(x0: number, y0: number, x1: number, y1: number, stroke: LineStroke): void {
    this.doc.moveTo(x0, y0).lineTo(x1, y1).lineWidth(stroke.width);
    if (stroke.dashed === true) this.doc.dash(3, { space: 2 });
    this.doc.strokeColor(stroke.color).stroke();
    if (stroke.dashed === true) this.doc.undash();
  }
}

/** Text as drawn: cut for display first (linear), then made drawable by the standard fonts. */
function shown(text: string): string {
  return pdfSafeText(displayText(text));
}
