/**
 * Applying a multi-arm experiment's Thompson-sampling recommendation as its new variant weights,
 * when a caller asks (`POST /v1/experiments/{id}/allocation`). This is the one change that may
 * move the weights of an experiment that has run: a bandit reallocates traffic on purpose. The
 * weights come from the latest analysis (`allocation.arms[].weight`, every arm at least the
 * floor), are written in the definition's variant order, bump the version and are kept in the
 * audit log with the analysis they came from; the experiment is then re-analysed.
 */
import { enqueueMessage } from '../adapters/event-bus/outbox.ts';
import { checkDefinition } from '../analysis/experiment-definition.ts';
import { ValidationError } from '../errors/errors.ts';
import { changedFields } from '../experiments/definition-changes.ts';
import { topics } from '../messages/topics.ts';
import { findAnalysis } from '../store/analysis-records.ts';
import { appendAudit, type ChangeActor } from '../store/audit-records.ts';
import {
  findExperiment,
  updateExperiment,
  type ExperimentRecord,
} from '../store/experiment-records.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * Sets an experiment's variant weights to its latest analysis's recommended allocation.
 * @param deps - the ports
 * @param experimentId - the experiment
 * @param reason - why, for the audit log (or null)
 * @param actor - the token making the change
 * @returns the experiment as it now is
 * @throws {ValidationError} 404 unknown; 409 when it is not running or paused, declares no
 *   variants, or its latest analysis has no allocation for every declared variant
 * @example await applyAllocation(deps, 'menu-test', 'weekly bandit step', actor)
 */
export async function applyAllocation(
  deps: StageDeps,
  experimentId: string,
  reason: string | null,
  actor: ChangeActor,
): Promise<ExperimentRecord> {
  const experiment = await deps.db.transaction(async (tx) => {
    const current = await findExperiment(tx, experimentId, 'for update');
    if (current === undefined) throw new ValidationError(`unknown experiment ${experimentId}`, 404);
    const conflict = (why: string) =>
      new ValidationError(`experiment ${experimentId}: ${why}`, 409, {}, { path: 'allocation' });
    if (current.status !== 'running' && current.status !== 'paused') {
      throw conflict(
        `only a running or paused experiment takes new weights, not a ${current.status} one`,
      );
    }
    const variants = current.definition?.variants;
    if (current.definition === null || variants === undefined) {
      throw conflict('its definition declares no variants to weigh');
    }
    const analysis =
      current.latest_analysis_id === null
        ? undefined
        : await findAnalysis(tx, current.latest_analysis_id);
    const allocation = analysis?.document.allocation ?? null;
    const weights = new Map(allocation?.arms.map((arm) => [arm.variant, arm.weight]) ?? []);
    if (allocation === null || variants.some((v) => !weights.has(v.key))) {
      throw conflict(
        'its latest analysis recommends no allocation for every variant (it needs three arms or more with data)',
      );
    }
    const definition = checkDefinition(
      {
        ...current.definition,
        variants: variants.map((variant) => ({ ...variant, weight: weights.get(variant.key) })),
      },
      `experiment ${experimentId}`,
    );
    const changes = changedFields(current.definition, definition);
    if (changes.length === 0) return current;
    const version = await updateExperiment(tx, experimentId, { definition });
    await appendAudit(tx, {
      experimentId,
      action: 'changed',
      actor,
      from: current.status,
      to: current.status,
      reason: reason ?? `Thompson allocation of analysis ${current.latest_analysis_id}`,
      changes,
      version,
    });
    await enqueueMessage(tx, topics.rerun, { version: 1, experiment_id: experimentId });
    return (await findExperiment(tx, experimentId)) ?? current;
  });
  await deps.bus.flush();
  return experiment;
}
