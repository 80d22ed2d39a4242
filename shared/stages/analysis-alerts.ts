/**
 * What a new analysis tells the live layer, in the analysis's own transaction: the
 * `analysis.completed` event of the live feed, and the alerts its result object raises (`srm`,
 * `guardrail`, and `decision` when the primary metric's sequential decision changed). The
 * fields read are those of {@link resultAlertFacts}; a result without guardrail or sequential
 * fields raises only what it has.
 */
import type { Queryable } from '../adapters/database/database.ts';
import type { Config } from '../config/load-config.ts';
import { decisionSignal, resultAlertFacts } from '../live/alert-rules.ts';
import { raiseAlert } from '../store/alert-records.ts';
import { appendLiveEvent } from '../store/live-feed.ts';
import { swapDecision } from '../store/live-records.ts';

/**
 * Announces an analysis and raises its alerts.
 * @param tx - the analysis's transaction
 * @param config - the settings (webhooks)
 * @param result - the experiment object of the result document
 * @param primaryMetric - the definition's primary metric, if it names one
 * @returns when recorded
 * @example await recordAnalysisAlerts(tx, deps.config, document, definition?.primary_metric)
 */
export async function recordAnalysisAlerts(
  tx: Queryable,
  config: Config,
  result: {
    readonly experiment_id: string;
    readonly analysis_id: string;
    readonly computed_at: string;
  },
  primaryMetric: string | undefined,
): Promise<void> {
  const experimentId = result.experiment_id;
  const analysisId = result.analysis_id;
  await appendLiveEvent(tx, {
    type: 'analysis.completed',
    experimentId,
    key: analysisId,
    data: {
      experiment_id: experimentId,
      analysis_id: analysisId,
      computed_at: result.computed_at,
      summary: `/v1/experiments/${experimentId}/summary`,
    },
  });
  const facts = resultAlertFacts(result, primaryMetric);
  const now = new Date(result.computed_at);
  for (const signal of facts.signals) {
    await raiseAlert(tx, config, experimentId, signal, analysisId, now);
  }
  for (const decision of facts.decisions) {
    const previous = await swapDecision(tx, experimentId, decision);
    const signal = decisionSignal(decision, previous);
    if (signal !== undefined) {
      await raiseAlert(tx, config, experimentId, signal, `${analysisId}:${decision.variant}`, now);
    }
  }
}
