/**
 * Text of any length is cut for display, with a mark, wherever the PDF shows it (tables,
 * sentences, headings, the model's coefficient terms), while the CSV keeps it whole. A very long
 * name once made the report grow with the square of its length (pdfkit wraps an unbroken word
 * character by character); cut first, the work is bounded. The 2 MB case and its time bound are
 * in `npm run bench` (scripts/bench/long-field-bench.ts), not here.
 */
import { describe, expect, it } from 'vitest';
import { displayText } from '../../../shared/report/display-text.ts';
import { renderReportPdf, reportCsv, type ReportInput } from '../../../shared/report/index.ts';
import { experimentResultSchema } from '../../../shared/result/result-document.ts';
import { flat, pdfText } from './pdf-tools.ts';
import { sampleInput } from './report-inputs.ts';

/** The sample analysis with its treatment renamed (in every table, comparison and model term). */
function renamedTreatment(name: string): ReportInput {
  const input = sampleInput();
  const text = JSON.stringify(input.experiment)
    .replaceAll('"treatment"', JSON.stringify(name))
    .replaceAll('[treatment]', `[${name}]`);
  return { ...input, experiment: experimentResultSchema.parse(JSON.parse(text)) };
}

describe('displayText', () => {
  it('keeps ordinary text as it is', () => {
    const sentence = `Checkout redesign, SHA-256 ${'ab'.repeat(32)}, 12.5% lift`;
    expect(displayText(sentence)).toBe(sentence);
  });

  it('cuts a word past the longest shown, and text past the most shown, with a mark', () => {
    expect(displayText(`variant ${'x'.repeat(500)} wins`)).toBe(`variant ${'x'.repeat(100)}… wins`);
    const long = 'word '.repeat(2000);
    const shown = displayText(long);
    expect(shown.length).toBe(2001);
    expect(shown.endsWith('…')).toBe(true);
    expect(long.startsWith(shown.slice(0, -1))).toBe(true);
  });

  it('counts characters, never splitting one (astral characters stay whole)', () => {
    const shown = displayText('🎉'.repeat(150));
    expect([...shown]).toHaveLength(101);
    expect(shown.endsWith('🎉…')).toBe(true);
  });
});

describe('a report with a name of 300,000 characters', () => {
  const name = `treatment-${'x'.repeat(300_000)}`;

  it('shows the name cut with a mark in the PDF', async () => {
    const input = renamedTreatment(name);
    const text = flat(pdfText(await renderReportPdf(input)));
    // Cut in table cells (wrapped over lines, so spaces inside), in the model's terms and in
    // sentences: the name's start is there, with the mark, and little of the rest.
    expect(text).toMatch(/treatment-x{10,}/);
    expect(text).toMatch(/treatment-x+( x+)*…/);
    expect(text).toMatch(/variant\[treatment-x+( x+)*…/);
    expect((text.match(/x/g) ?? []).length).toBeLessThan(5000);
  });

  it('keeps the name whole in the CSV', () => {
    const csv = reportCsv(renamedTreatment(name).experiment);
    expect(csv).toContain(`,${name},`);
  });
});
