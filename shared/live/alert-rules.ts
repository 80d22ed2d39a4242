/**
 * Alerts (issue 14, seed 003): their kinds and the severity of each, the moves of their
 * lifecycle (`open -> acknowledged -> resolved`, or `open -> resolved`), and the signals that
 * raise them, read from what the stages already know: an analysis's result object, a batch's
 * counts, the time since an experiment's last event. Pure: the records (shared/store/
 * alert-records.ts) keep one unresolved alert per (experiment, kind, metric).
 *
 * | kind | raised when | severity |
 * |---|---|---|
 * | `srm` | the analysis flags a sample-ratio mismatch (p < 0.001) | `error` |
 * | `guardrail` | a guardrail metric is harmed (`comparisons[].guardrail_harmed`) | `critical` |
 * | `rejected_rows` | a batch's rejected share is above half the rejection threshold; a batch rejected whole (a file error, or a share above the threshold) | `warning`; `error` when rejected whole |
 * | `no_data` | a running experiment has had no event for `ABTEST_NO_DATA_HOURS` | `warning` |
 * | `decision` | the primary metric's sequential decision changed (`comparisons[].decision.action`) | `info`; `error` for `stop: harm` |
 */

/** The kinds of alert. */
export const alertKinds = ['srm', 'guardrail', 'rejected_rows', 'no_data', 'decision'] as const;
export type AlertKind = (typeof alertKinds)[number];

/** Severities, least severe first. */
export const alertSeverities = ['info', 'warning', 'error', 'critical'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

/** The states of an alert. */
export const alertStatuses = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

/** What a person does to an alert. */
export type AlertAction = 'acknowledge' | 'resolve';

/** Something that raises (or repeats) an alert. */
export interface AlertSignal {
  readonly kind: AlertKind;
  /** The metric it is about, or '' when none applies. */
  readonly metric: string;
  readonly severity: AlertSeverity;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * The state an action moves an alert to.
 * @param status - the alert's state
 * @param action - acknowledge or resolve
 * @returns the new state, or null when the move is not allowed (a 409)
 * @example nextAlertStatus('open', 'acknowledge') // 'acknowledged'
 */
export function nextAlertStatus(status: AlertStatus, action: AlertAction): AlertStatus | null {
  if (action === 'acknowledge') return status === 'open' ? 'acknowledged' : null;
  return status === 'resolved' ? null : 'resolved';
}

/** One comparison's sequential decision, as an analysis reports it. */
export interface SequentialDecision {
  readonly metric: string;
  readonly variant: string;
  readonly decision: string;
}

/** The alert-worthy facts of one analysis. */
export interface ResultAlertFacts {
  readonly signals: readonly AlertSignal[];
  /** The primary metric's decisions, to compare with the previous analysis's. */
  readonly decisions: readonly SequentialDecision[];
}

/**
 * The entry point from an analysis to alerts: reads an experiment's result object and gives the
 * `srm` and `guardrail` signals and the primary metric's sequential decisions. Fields that are
 * absent (no guardrail, no sequential test) give nothing. It reads only:
 * - `srm.flagged`, `srm.p_value`;
 * - `metrics[].name`, `metrics[].comparisons[].variant`;
 * - `metrics[].comparisons[].guardrail_harmed === true` (a guardrail metric harmed);
 * - `metrics[].comparisons[].decision.action` (a string such as `ship`, `stop: harm`,
 *   `stop: futile`, `keep running`) of the primary metric.
 * @param result - the experiment object of the result document (any shape; read defensively)
 * @param primaryMetric - the primary metric's name (default: the first metric)
 * @returns the signals and decisions
 * @example resultAlertFacts({ srm: { flagged: true, p_value: 1e-6 }, metrics: [] }).signals[0].kind // 'srm'
 */
export function resultAlertFacts(result: unknown, primaryMetric?: string): ResultAlertFacts {
  const signals: AlertSignal[] = [];
  const srm = field(result, 'srm');
  if (field(srm, 'flagged') === true) {
    const pValue = field(srm, 'p_value');
    signals.push({
      kind: 'srm',
      metric: '',
      severity: 'error',
      message: `sample ratio mismatch: users per variant are off their expected shares (p = ${formatP(pValue)})`,
      details: { p_value: pValue ?? null, observed: field(srm, 'observed') ?? null },
    });
  }
  const metrics = arrayField(result, 'metrics');
  const primary = primaryMetric ?? stringField(metrics[0], 'name');
  const decisions: SequentialDecision[] = [];
  for (const metric of metrics) {
    const name = stringField(metric, 'name') ?? '';
    for (const comparison of arrayField(metric, 'comparisons')) {
      const variant = stringField(comparison, 'variant') ?? '';
      if (field(comparison, 'guardrail_harmed') === true) {
        signals.push({
          kind: 'guardrail',
          metric: name,
          severity: 'critical',
          message: `guardrail metric ${name} is harmed in ${variant}`,
          details: { variant, relative_lift: field(comparison, 'relative_lift') ?? null },
        });
      }
      const decision = stringField(field(comparison, 'decision'), 'action');
      if (name === primary && decision !== undefined)
        decisions.push({ metric: name, variant, decision });
    }
  }
  return { signals, decisions };
}

/**
 * The `decision` signal of a changed sequential decision.
 * @param current - the decision now
 * @param previous - the decision of the previous analysis, if any
 * @returns the signal, or undefined when unchanged (or a first `keep running`)
 * @example decisionSignal({ metric: 'conversion', variant: 'b', decision: 'ship' }, 'keep running')?.severity // 'info'
 */
export function decisionSignal(
  current: SequentialDecision,
  previous: string | undefined,
): AlertSignal | undefined {
  if (current.decision === (previous ?? 'keep running')) return undefined;
  return {
    kind: 'decision',
    metric: current.metric,
    severity: current.decision === 'stop: harm' ? 'error' : 'info',
    message: `decision for ${current.metric} in ${current.variant} is now "${current.decision}"${previous === undefined ? '' : ` (was "${previous}")`}`,
    details: { variant: current.variant, decision: current.decision, previous: previous ?? null },
  };
}

/**
 * The `rejected_rows` signal of a batch: `warning` when its rejected share is above half the
 * threshold, `error` when it was rejected whole (a file error, or a rejected share above the
 * threshold: every row lost).
 * @param batch - the batch's id, source, counts, and the reason when it was rejected whole
 * @param threshold - the rejection threshold (ABTEST_REJECT_THRESHOLD)
 * @returns the signal, or undefined
 * @example rejectedRowsSignal({ batch_id: 'b', source: 'f.csv', rows_read: 100, rejected: 3 }, 0.05)?.kind // 'rejected_rows'
 */
export function rejectedRowsSignal(
  batch: {
    readonly batch_id: string;
    readonly source: string;
    readonly rows_read: number | null;
    readonly rejected: number | null;
    /** Why the whole batch was rejected; absent when it was validated. */
    readonly rejected_whole?: string | undefined;
  },
  threshold: number,
): AlertSignal | undefined {
  const details = {
    batch_id: batch.batch_id,
    rejected: batch.rejected,
    rows_read: batch.rows_read,
  };
  if (batch.rejected_whole !== undefined) {
    return {
      kind: 'rejected_rows',
      metric: '',
      severity: 'error',
      message: `batch rejected whole: ${batch.rejected_whole}`,
      details: { ...details, rejected_whole: true },
    };
  }
  const rowsRead = batch.rows_read ?? 0;
  const rejected = batch.rejected ?? 0;
  if (rowsRead === 0) return undefined;
  const share = rejected / rowsRead;
  if (!(share > threshold / 2)) return undefined;
  return {
    kind: 'rejected_rows',
    metric: '',
    severity: 'warning',
    message: `${batch.source}: ${(share * 100).toFixed(1)}% of rows rejected (${rejected} of ${rowsRead}), above half the threshold of ${(threshold * 100).toFixed(1)}%`,
    details,
  };
}

/**
 * The `no_data` signal of a running experiment.
 * @param lastEventAt - when its last event arrived (null: never)
 * @param now - the time of the check
 * @param hours - ABTEST_NO_DATA_HOURS
 * @returns the signal, or undefined while data is recent
 * @example noDataSignal(new Date(0), new Date(25 * 3600e3), 24)?.kind // 'no_data'
 */
export function noDataSignal(
  lastEventAt: Date | null,
  now: Date,
  hours: number,
): AlertSignal | undefined {
  if (lastEventAt !== null && now.getTime() - lastEventAt.getTime() < hours * 3_600_000) {
    return undefined;
  }
  return {
    kind: 'no_data',
    metric: '',
    severity: 'warning',
    message:
      lastEventAt === null
        ? `running experiment without any event`
        : `no event for ${hours} h (last at ${lastEventAt.toISOString()})`,
    details: { last_event_at: lastEventAt?.toISOString() ?? null, hours },
  };
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function stringField(value: unknown, name: string): string | undefined {
  const found = field(value, name);
  return typeof found === 'string' ? found : undefined;
}

function arrayField(value: unknown, name: string): readonly unknown[] {
  const found = field(value, name);
  return Array.isArray(found) ? found : [];
}

function formatP(value: unknown): string {
  return typeof value === 'number' ? value.toExponential(2) : 'unknown';
}
