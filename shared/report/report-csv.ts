/**
 * The analyst's CSV: a comment row naming the version and the fingerprint, then one row per
 * (metric, variant) holding every field of the variant summary and, for treatments, of its
 * comparison with the control. Written with the project's CSV writer, so variant names that
 * look like formulas are neutralised and numbers stay numbers.
 */
import { csvCell, csvText, type CsvCell } from '../csv/csv-text.ts';
import type {
  Comparison,
  ExperimentResult,
  Provenance,
  VariantSummary,
} from '../result/result-document.ts';

/** The CSV's columns, in order. */
export const REPORT_CSV_COLUMNS = [
  'metric',
  'type',
  'variant',
  'is_control',
  'users',
  'sum',
  'mean',
  'sd',
  'ci_low',
  'ci_high',
  'control',
  'test',
  'statistic',
  'p_value',
  'p_value_adjusted',
  'significant',
  'difference',
  'difference_ci_low',
  'difference_ci_high',
  'relative_lift',
  'relative_lift_ci_low',
  'relative_lift_ci_high',
  'df',
  'cohens_d',
  'mann_whitney_u',
  'mann_whitney_p_value',
  'prob_beat_control',
  'expected_loss',
] as const;

const emptyComparison: readonly CsvCell[] = Array.from({ length: 18 }, () => null);

/**
 * The CSV's first row: `#` and space-separated `key=value` pairs, one cell without commas or
 * quotes, so a reader that skips `#` comments (pandas `comment='#'`, polars `commentPrefix`)
 * skips it and one that does not sees a one-cell row; written through `csvCell`, so it stays
 * formula-safe.
 * @param analysisId - the analysis
 * @param provenance - its provenance block
 * @returns the row's text, without a line end
 * @example provenanceComment('an_1', provenance) // '# abtest_version=0.1.0 analysis_id=an_1 …'
 */
export function provenanceComment(analysisId: string, provenance: Provenance): string {
  return csvCell(
    [
      '#',
      `abtest_version=${provenance.abtest_version}`,
      `analysis_id=${analysisId}`,
      `fingerprint=${provenance.fingerprint}`,
      `analysis_version=${provenance.analysis_version}`,
      `engine=${provenance.engine}`,
    ]
      .join(' ')
      .replace(/[\s,"]+/g, (gap) => (gap === ' ' ? gap : '_')),
  );
}

/**
 * Renders the analyst's CSV of an experiment: the provenance comment row (when the analysis has
 * provenance), a header, then for each metric its variants in the result document's order.
 * Control rows (and treatments without a comparison) leave the comparison cells empty. RFC 4180
 * with CRLF line ends; see `csvText` for the quoting and the formula neutralisation (OWASP "CSV
 * Injection").
 * @param experiment - the result document's experiment object
 * @returns the CSV text
 * @example reportCsv(result.experiments[0]).split('\r\n')[0] // 'metric,type,variant,...'
 */
export function reportCsv(experiment: ExperimentResult): string {
  const rows: CsvCell[][] = [];
  for (const metric of experiment.metrics) {
    const comparisons = new Map(metric.comparisons.map((c) => [c.variant, c]));
    for (const variant of metric.variants) {
      const comparison = variant.is_control ? undefined : comparisons.get(variant.variant);
      rows.push([
        metric.name,
        metric.type,
        ...variantCells(variant),
        ...(comparison === undefined ? emptyComparison : comparisonCells(comparison)),
      ]);
    }
  }
  const table = csvText(REPORT_CSV_COLUMNS, rows);
  return experiment.provenance === null
    ? table
    : `${provenanceComment(experiment.analysis_id, experiment.provenance)}\r\n${table}`;
}

function variantCells(v: VariantSummary): CsvCell[] {
  return [v.variant, v.is_control, v.users, v.sum, v.mean, v.sd, v.ci_low, v.ci_high];
}

function comparisonCells(c: Comparison): CsvCell[] {
  return [
    c.control,
    c.test,
    c.statistic,
    c.p_value,
    c.p_value_adjusted,
    c.significant,
    c.difference,
    c.difference_ci[0],
    c.difference_ci[1],
    c.relative_lift,
    c.relative_lift_ci[0],
    c.relative_lift_ci[1],
    c.df,
    c.cohens_d,
    c.mann_whitney?.u ?? null,
    c.mann_whitney?.p_value ?? null,
    c.bayesian?.prob_beat_control ?? null,
    c.bayesian?.expected_loss ?? null,
  ];
}
