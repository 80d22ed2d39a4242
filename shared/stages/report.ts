/**
 * The report stage. Until reports land it passes the message on: `abtest.model.trained` in,
 * nothing out.
 */
import type { ModelTrained } from '../messages/message-schemas.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * Writes the reports of an analysis.
 * @param deps - the ports
 * @param payload - the model.trained message
 * @example await reportAnalysis(deps, { version: 1, experiment_id: 'e', analysis_id: 'an_1' })
 */
export async function reportAnalysis(deps: StageDeps, payload: ModelTrained): Promise<void> {
  deps.logger.debug('report stage not yet producing artifacts', {
    analysis_id: payload.analysis_id,
  });
}
