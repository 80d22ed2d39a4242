/**
 * The analyst's CSV: a comment row naming the version and the fingerprint, then one row per
 * (metric, variant) holding every field of the variant summary and, for treatments, of its
 * comparison with the control, then the decision columns (a ratio's sums, the winsorizing caps,
 * the guardrail and its harm, the CUPED estimate). Written with the project's CSV writer, so
 * variant names that look like formulas are neutralised and numbers stay numbers.
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
  // The sequential test (issue 13): its confidence sequence, always-valid p-value and decision.
  'sequential_looks',
  'sequential_n_planned',
  'sequential_ci_low',
  'sequential_ci_high',
  'sequential_p_value',
  'decision',
  'decision_reason',
  'numerator_sum',
  'denominator_sum',
  'winsorize_lower_cap',
  'winsorize_upper_cap',
  'guardrail_bad',
  'guardrail_harmed',
  'cuped_theta',
  'cuped_difference',
  'cuped_difference_ci_low',
  'cuped_difference_ci_high',
  'cuped_p_value',
  'cuped_variance_reduction',
] as const;

const emptyComparison: readonly CsvCell[] = Array.from({ length: 25 }, () => null);
const emptyCuped: readonly CsvCell[] = Array.from({ length: 6 }, () => null);

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
        variant.numerator_sum ?? null,
        variant.denominator_sum ?? null,
        metric.winsorize?.lower_cap ?? null,
        metric.winsorize?.upper_cap ?? null,
        metric.guardrail?.bad ?? null,
        comparison?.guardrail_harmed ?? null,
        ...(comparison?.cuped == null ? emptyCuped : cupedCells(comparison.cuped)),
      ]);
    }
  }
  const table = csvText(REPORT_CSV_COLUMNS, rows);
  return experiment.provenance === null
    ? table
    : `${provenanceComment(experiment.analysis_id, experiment.provenance)}\r\n${table}`;
}

function cupedCells(c: NonNullable<Comparison['cuped']>): CsvCell[] {
  return [
    c.theta,
    c.difference,
    c.difference_ci[0],
    c.difference_ci[1],
    c.p_value,
    c.variance_reduction,
  ];
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
    ...sequentialCells(c),
  ];
}

function sequentialCells(c: Comparison): CsvCell[] {
  const s = c.sequential;
  return [
    s?.looks ?? null,
    s?.n_planned ?? null,
    s?.ci[0] ?? null,
    s?.ci[1] ?? null,
    s?.p_value ?? null,
    c.decision?.action ?? null,
    c.decision?.reason ?? null,
  ];
}
