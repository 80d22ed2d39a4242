/**
 * The report layer: the PDF for people who read page one and the CSV for analysts, from one
 * analysis. Pure (no I/O, no clock): the report stage reads the analysis and writes the bytes.
 */
export { renderReportPdf, reportDate } from './render-report-pdf.ts';
export { reportCsv, REPORT_CSV_COLUMNS } from './report-csv.ts';
export type { ReportBatch, ReportInput } from './report-input.ts';
export {
  reportVerdict,
  primaryMetricOf,
  type Verdict,
  type VerdictTone,
} from './report-verdict.ts';
export { trustFindings, type TrustFinding, type TrustLevel } from './report-trust.ts';
export { pdfSafeText } from './pdf-safe-text.ts';
