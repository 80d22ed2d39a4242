/**
 * The first step of every experiment endpoint: the `experiment_id` path parameter, validated
 * (400), and the experiment's state, read once (404 for an unknown experiment). The state
 * carries the latest analysis id and the cache key.
 */
import { ValidationError } from '../../errors/errors.ts';
import { experimentState, type ExperimentState } from './experiment-state.ts';
import { checkedId } from './path-ids.ts';
import type { RouteContext } from '../route.ts';

/**
 * Reads the experiment a request names.
 * @param context - the request
 * @returns the experiment's state
 * @throws {ValidationError} 400 for an invalid id, 404 for an unknown experiment
 * @example const state = await requestedExperiment(context)
 */
export async function requestedExperiment(context: RouteContext): Promise<ExperimentState> {
  const experimentId = checkedId('experiment', context.params.experiment_id);
  const state = await experimentState(context.deps.db, experimentId);
  if (state === undefined) throw new ValidationError(`unknown experiment ${experimentId}`, 404);
  return state;
}

/**
 * The latest analysis of an experiment.
 * @param state - the experiment's state
 * @returns its id
 * @throws {ValidationError} (404) when the experiment has no analysis yet
 * @example const analysisId = latestAnalysisOf(state)
 */
export function latestAnalysisOf(state: ExperimentState): string {
  if (state.latest_analysis_id === null) {
    throw new ValidationError(`experiment ${state.experiment_id} has no analysis yet`, 404);
  }
  return state.latest_analysis_id;
}

/**
 * The API paths of an experiment's resources.
 * @param experimentId - the experiment
 * @returns the base path, e.g. `/v1/experiments/checkout-redesign`
 * @example experimentPath('exp1') // '/v1/experiments/exp1'
 */
export function experimentPath(experimentId: string): string {
  return `/v1/experiments/${encodeURIComponent(experimentId)}`;
}
