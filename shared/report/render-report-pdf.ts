/**
 * Renders the report PDF of one analysis with pdfkit. Deterministic: the same input gives the
 * same bytes. pdfkit's only clock and randomness are the Info dictionary's CreationDate (set
 * here from `computed_at`) and the trailer's document /ID, which pdfkit derives as an MD5 of
 * the Info dictionary; Info holds the experiment and analysis ids, so the ID is a function of
 * the analysis. No encryption (its keys would be random), standard fonts only (no subset tags).
 */
import PDFDocument from 'pdfkit';
import { drawAnalystSections } from './analyst-sections.ts';
import { displayText } from './display-text.ts';
import { drawPageOne } from './page-one.ts';
import { ReportCanvas } from './report-canvas.ts';
import { drawFooters } from './report-footer.ts';
import type { ReportInput } from './report-input.ts';
import { PAGE } from './report-style.ts';

/**
 * The instant the report is dated: the analysis' `computed_at`, or the Unix epoch when that is
 * not a date (never the clock).
 * @param computedAt - the analysis' ISO-8601 timestamp
 * @returns the date
 * @example reportDate('2026-11-26T14:10:29.939Z').getTime() // 1795529429939
 */
export function reportDate(computedAt: string): Date {
  const time = Date.parse(computedAt);
  return new Date(Number.isFinite(time) ? time : 0);
}

/**
 * Renders the PDF report: page one for an executive, then the per-metric tables and forest
 * plots, cumulative lift, model-adjusted effects, data quality and the methods appendix.
 * @param input - the analysis and its context
 * @returns the PDF bytes, identical for identical input
 * @example const pdf = await renderReportPdf(input); // pdf.subarray(0, 5) is '%PDF-'
 */
export async function renderReportPdf(input: ReportInput): Promise<Buffer> {
  const { experiment } = input;
  const date = reportDate(experiment.computed_at);
  const doc = new PDFDocument({
    size: PAGE.size,
    margins: PAGE.margin,
    bufferPages: true,
    compress: true,
    lang: 'en',
    displayTitle: true,
    info: {
      Title: `A/B experiment report: ${displayText(input.name ?? experiment.experiment_id)}`,
      Author: 'abtest',
      Subject: `Experiment ${experiment.experiment_id}, analysis ${experiment.analysis_id}`,
      Keywords: `abtest; ${experiment.experiment_id}; ${experiment.analysis_id}`,
      Creator: `abtest ${input.version}`,
      Producer: 'abtest report (pdfkit)',
      CreationDate: date,
      ModDate: date,
    },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const canvas = new ReportCanvas(doc);
  drawPageOne(canvas, input);
  drawAnalystSections(canvas, input);
  drawFooters(canvas, experiment.experiment_id, experiment.analysis_id, input.version);
  doc.end();
  return finished;
}
