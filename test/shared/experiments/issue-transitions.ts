/**
 * The lifecycle table of the issue, written out independently of the module's
 * (shared/experiments/lifecycle.ts `allowedTransitions`), for the tests of the table and of the
 * API's `PUT .../status`.
 */
import type { ExperimentStatus } from '../../../shared/analysis/experiment-definition.ts';

/** Where each state may move to, in the order the answers name them. */
export const issueTransitions: Readonly<Record<ExperimentStatus, readonly ExperimentStatus[]>> = {
  draft: ['running', 'archived'],
  running: ['paused', 'completed'],
  paused: ['running', 'completed'],
  completed: ['archived'],
  archived: [],
};
