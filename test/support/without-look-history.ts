/**
 * An experiment object without what depends on when the analyses ran: each comparison's
 * `sequential` (its running values are over the experiment's looks, one per distinct analysis)
 * and the `decision` drawn from it. Everything else depends only on the accepted events and the
 * definition, so runs that saw the data arrive differently compare equal on it.
 */
import type { ExperimentResult } from '../../shared/result/result-document.ts';

/**
 * Drops the look-dependent fields of every comparison.
 * @param experiment - an experiment object
 * @returns the same object without `sequential` and `decision` in its comparisons
 */
export function withoutLookHistory<T extends Pick<ExperimentResult, 'metrics'>>(experiment: T): T {
  return {
    ...experiment,
    metrics: experiment.metrics.map((metric) => ({
      ...metric,
      comparisons: metric.comparisons.map(
        ({ sequential: _sequential, decision: _decision, ...comparison }) => comparison,
      ),
    })),
  };
}
