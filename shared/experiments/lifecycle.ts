/**
 * The lifecycle of an experiment (DESIGN.md "Lifecycle"): draft -> running | archived;
 * running -> paused | completed; paused -> running | completed; completed -> archived.
 * Anything else, staying put included, is refused with a 409 naming the states the experiment
 * may move to. Once an experiment has run, its variants, weights and salt are frozen and its
 * traffic allocation may only grow (a ramp), so no assigned user ever moves. Pure.
 */
import type { ExperimentDefinition, ExperimentStatus } from '../analysis/experiment-definition.ts';
import { ValidationError } from '../errors/errors.ts';
import { canonical } from './definition-changes.ts';

/** The states each state may move to. */
export const allowedTransitions: Readonly<Record<ExperimentStatus, readonly ExperimentStatus[]>> = {
  draft: ['running', 'archived'],
  running: ['paused', 'completed'],
  paused: ['running', 'completed'],
  completed: ['archived'],
  archived: [],
};

/** The states in which an experiment is running or has run. */
const runStates: readonly ExperimentStatus[] = ['running', 'paused', 'completed'];

/**
 * Whether entering a state means the experiment has run (users were or are being assigned).
 * @param status - the state entered
 * @returns true for running, paused and completed
 * @example marksRun('paused') // true
 */
export function marksRun(status: ExperimentStatus): boolean {
  return runStates.includes(status);
}

/**
 * Checks a move of the lifecycle.
 * @param experimentId - the experiment, for the message
 * @param from - its status now
 * @param to - the status asked for
 * @throws {ValidationError} (409) naming the allowed next states, in `details.allowed` too
 * @example checkTransition('exp1', 'draft', 'running')
 */
export function checkTransition(
  experimentId: string,
  from: ExperimentStatus,
  to: ExperimentStatus,
): void {
  const allowed = allowedTransitions[from];
  if (allowed.includes(to)) return;
  const next =
    allowed.length === 0
      ? `${from} is final`
      : `from ${from} it can move to ${allowed.join(' or ')}`;
  const why =
    from === to
      ? `experiment ${experimentId} is already ${from}`
      : `experiment ${experimentId} cannot move from ${from} to ${to}`;
  throw new ValidationError(`${why}: ${next}`, 409, {}, { status: from, allowed });
}

/** The parts of a definition that decide who gets which variant. */
interface AssignmentFields {
  readonly id: string;
  readonly variants?: ExperimentDefinition['variants'];
  readonly salt?: string | undefined;
  readonly traffic_allocation?: number | undefined;
}

/**
 * Checks that a change keeps every assigned user where they are: once an experiment has run,
 * its variants (keys, order, weights, control flag and config; a display name may change) and
 * salt are frozen and its allocation may only grow. An experiment that has run without
 * declared variants (one fed by events before it had a definition) may declare them once.
 * @param before - the stored definition, or null
 * @param after - the definition asked for
 * @param hasRun - whether the experiment has run
 * @throws {ValidationError} (409) naming the frozen field
 * @example checkFrozenFields(before, after, true)
 */
export function checkFrozenFields(
  before: AssignmentFields | null,
  after: AssignmentFields,
  hasRun: boolean,
): void {
  // Without declared variants nobody was assigned: nothing to keep in place.
  if (!hasRun || before?.variants === undefined) return;
  const frozen = (field: string, why: string) =>
    new ValidationError(
      `experiment ${after.id} has run: ${field} ${why}`,
      409,
      {},
      { path: field, frozen: true },
    );
  const shape = (variants: AssignmentFields['variants']) =>
    canonical((variants ?? []).map((v) => [v.key, v.weight ?? null, v.control, v.config ?? null]));
  if (shape(before.variants) !== shape(after.variants)) {
    throw frozen(
      'variants',
      'are frozen (keys, order, weights, control and config; a name may change)',
    );
  }
  if ((before.salt ?? before.id) !== (after.salt ?? after.id)) {
    throw frozen('salt', 'is frozen');
  }
  const was = before.traffic_allocation ?? 1;
  const now = after.traffic_allocation ?? 1;
  if (now < was) {
    throw frozen('traffic_allocation', `may only grow (a ramp): it is ${was}, not ${now}`);
  }
}
