/**
 * What the report layer needs to render one analysis: the result document's experiment object
 * plus what the definition, the batches and the analysis details add. Everything is plain data
 * (no clock, no I/O), so the same input always renders the same bytes.
 */
import type { CumulativeLiftPoint } from '../analysis/cumulative-lift.ts';
import type { ExperimentResult } from '../result/result-document.ts';

/** One input batch of the analysis, as the data-quality section and the appendix list it. */
export interface ReportBatch {
  readonly batch_id: string;
  readonly source: string;
  /** The full SHA-256 (hex) of the batch's bytes. */
  readonly content_hash: string;
  readonly accepted: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly status: string;
}

/** An alert not yet resolved when the report was rendered (the data-quality section lists it). */
export interface ReportAlert {
  readonly severity: string;
  readonly kind: string;
  /** The metric it is about, or null. */
  readonly metric: string | null;
  readonly status: string;
  readonly message: string;
}

/** The input of {@link renderReportPdf}: one analysis and its context. */
export interface ReportInput {
  /** The result document's experiment object, models filled, `report` null. */
  readonly experiment: ExperimentResult;
  /** The experiment's name from its definition, when it has one. */
  readonly name: string | null;
  /** The definition's hypothesis, when it has one. */
  readonly hypothesis: string | null;
  /** The definition's primary metric, else the first metric; the headline is about it. */
  readonly primaryMetric: string | null;
  /** The batches the analysis read, in the order to list them. */
  readonly batches: readonly ReportBatch[];
  /** Cumulative lift per (metric, treatment, day); empty when exposure times are unknown. */
  readonly cumulativeLift: readonly CumulativeLiftPoint[];
  /** The abtest version that rendered the report, e.g. `0.1.0`. */
  readonly version: string;
  /** The experiment's open and acknowledged alerts, newest first (none when absent). */
  readonly alerts?: readonly ReportAlert[];
}
