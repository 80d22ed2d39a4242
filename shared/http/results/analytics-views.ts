/**
 * Views of the result document for the analytics-style endpoints of the seed API: the
 * statistics of the latest analysis with links to its reports (`GET /v1/analytics/results`),
 * and the models' predicted effects per treatment (`GET /v1/model/predictions`). Pure.
 */
import type { ExperimentResult } from '../../result/result-document.ts';
import type { AnalyticsResults, PredictedEffect, Predictions } from './api-schemas.ts';
import { experimentPath } from './experiment-context.ts';

/**
 * The statistics of an analysis: every metric with its variants (means and intervals) and its
 * comparisons (tests, p-values raw and adjusted, differences and relative lifts with
 * intervals, Bayesian probabilities), and where to download the reports.
 * @param summary - the experiment object
 * @param plots - the analysis's charts and their download URLs
 * @returns the analytics view
 * @example analyticsResults(summary).metrics[0]?.comparisons[0]?.p_value
 */
export function analyticsResults(
  summary: ExperimentResult,
  plots: AnalyticsResults['plots'] = [],
): AnalyticsResults {
  const base = experimentPath(summary.experiment_id);
  const report = (format: 'pdf' | 'csv') =>
    summary.report === null ? null : `${base}/reports/${summary.analysis_id}.${format}`;
  return {
    experiment_id: summary.experiment_id,
    analysis_id: summary.analysis_id,
    computed_at: summary.computed_at,
    alpha: summary.alpha,
    users: summary.data.users,
    srm: { p_value: summary.srm.p_value, flagged: summary.srm.flagged },
    metrics: summary.metrics,
    links: { summary: `${base}/summary`, report_pdf: report('pdf'), report_csv: report('csv') },
    plots,
  };
}

/**
 * The models' predictions per treatment: for each metric the regression-adjusted delta vs the
 * control (a conversion-rate delta for the logistic model, a mean delta, e.g. revenue per
 * user, for the linear one) with its interval, and the relative lift against the control's
 * observed mean where that mean is defined and not zero (the interval divided by the same
 * mean, which is treated as fixed).
 * @param summary - the experiment object, with its models
 * @returns the predictions; no treatments when no model was trained
 * @example modelPredictions(summary).treatments[0]?.effects[0]?.relative_lift
 */
export function modelPredictions(summary: ExperimentResult): Predictions {
  const control =
    summary.metrics[0]?.variants.find((variant) => variant.is_control)?.variant ?? null;
  const byVariant = new Map<string, PredictedEffect[]>();
  for (const model of summary.models) {
    const metric = summary.metrics.find((candidate) => candidate.name === model.metric);
    const controlMean = metric?.variants.find((variant) => variant.is_control)?.mean ?? null;
    for (const effect of model.treatment_effects) {
      const relative = [ratio(effect.ci[0], controlMean), ratio(effect.ci[1], controlMean)];
      const flipped = controlMean !== null && controlMean < 0;
      const effects = byVariant.get(effect.variant) ?? [];
      effects.push({
        metric: model.metric,
        model: model.model,
        predicted_delta: effect.predicted_delta,
        ci: effect.ci,
        control_mean: controlMean,
        relative_lift: ratio(effect.predicted_delta, controlMean),
        relative_lift_ci: flipped
          ? [relative[1] ?? null, relative[0] ?? null]
          : [relative[0] ?? null, relative[1] ?? null],
      });
      byVariant.set(effect.variant, effects);
    }
  }
  return {
    experiment_id: summary.experiment_id,
    analysis_id: summary.analysis_id,
    control,
    treatments: [...byVariant].map(([variant, effects]) => ({ variant, effects })),
    models: summary.models.map((model) => ({
      metric: model.metric,
      model: model.model,
      cv: model.cv,
      flags: model.flags,
    })),
  };
}

function ratio(value: number | null, mean: number | null): number | null {
  if (value === null || mean === null || mean === 0) return null;
  const result = value / mean;
  return Number.isFinite(result) ? result : null;
}
