/**
 * Assigning users of stored experiments: the experiment read once per request (its status and
 * definition are the truth at that moment, on every instance), its plan compiled once and
 * kept while the plan stays the same, each user hashed, and, when asked, the exposures
 * recorded as enrollment events (see enrollments.ts).
 */
import {
  assignmentPlan,
  isAssignable,
  type AssignableDefinition,
  type Assignment,
} from '../assignment/experiment-assignment.ts';
import { compileAssigner, type VariantAssigner } from '../assignment/variant-assigner.ts';
import type { Database } from '../adapters/database/database.ts';
import { ValidationError } from '../errors/errors.ts';
import {
  findExperiment,
  findExperiments,
  type ExperimentRecord,
} from '../store/experiment-records.ts';
import { recordEnrollments, type Enrollment } from './enrollments.ts';
import type { StageDeps } from './stage-deps.ts';

/** An experiment ready to assign. */
export interface AssigningExperiment {
  readonly record: ExperimentRecord & { readonly definition: AssignableDefinition };
  readonly assigner: VariantAssigner;
  /** The variants' configs in definition order (an empty object for none). */
  readonly configs: readonly Readonly<Record<string, unknown>>[];
}

const compiled = new WeakMap<Database, Map<string, { plan: string; assigner: VariantAssigner }>>();
const maxCompiled = 1000;

/**
 * Prepares a stored experiment for assignment.
 * @param db - the database the record came from (compiled plans are kept per database)
 * @param record - the experiment
 * @returns the experiment with its compiled assigner
 * @throws {ValidationError} (409) when it declares no variants
 * @example assigning(deps.db, record).assigner.bucketOf('u1')
 */
export function assigning(db: Database, record: ExperimentRecord): AssigningExperiment {
  const definition = record.definition;
  if (!isAssignable(definition)) {
    throw new ValidationError(
      `experiment ${record.experiment_id} declares no variants to assign: give it a definition with variants (PATCH /v1/experiments/${record.experiment_id})`,
      409,
    );
  }
  let kept = compiled.get(db);
  if (kept === undefined) {
    kept = new Map();
    compiled.set(db, kept);
  }
  const plan = assignmentPlan(definition);
  const key = JSON.stringify(plan);
  let entry = kept.get(record.experiment_id);
  if (entry?.plan !== key) {
    if (kept.size >= maxCompiled) kept.clear();
    entry = { plan: key, assigner: compileAssigner(plan) };
    kept.set(record.experiment_id, entry);
  }
  return {
    record: { ...record, definition },
    assigner: entry.assigner,
    configs: definition.variants.map((variant) => variant.config ?? {}),
  };
}

/**
 * Assigns one user.
 * @param experiment - the prepared experiment
 * @param userId - the user
 * @returns the assignment (variant null unless the experiment is running and the user in it)
 * @example assignUser(experiment, 'u1').variant
 */
export function assignUser(experiment: AssigningExperiment, userId: string): Assignment {
  const { record, assigner, configs } = experiment;
  const bucket = assigner.bucketOf(userId);
  const index = record.status === 'running' ? assigner.variantOf(bucket) : -1;
  return {
    experiment_id: record.experiment_id,
    user_id: userId,
    status: record.status,
    variant: index < 0 ? null : (record.definition.variants[index]?.key ?? null),
    bucket,
    config: index < 0 ? null : (configs[index] ?? {}),
  };
}

/**
 * Assigns users of one experiment, in order.
 * @param deps - the ports
 * @param experimentId - the experiment
 * @param userIds - the users
 * @param enroll - record each assigned user's exposure
 * @returns one assignment per user
 * @throws {ValidationError} 404 unknown experiment; 409 no variants
 * @example await assignUsers(deps, 'exp1', ['u1', 'u2'], false)
 */
export async function assignUsers(
  deps: StageDeps,
  experimentId: string,
  userIds: readonly string[],
  enroll: boolean,
): Promise<Assignment[]> {
  const record = await findExperiment(deps.db, experimentId);
  if (record === undefined) throw new ValidationError(`unknown experiment ${experimentId}`, 404);
  const experiment = assigning(deps.db, record);
  const assignments = userIds.map((userId) => assignUser(experiment, userId));
  if (enroll) await enrollAssigned(deps, assignments, [experiment]);
  return assignments;
}

/**
 * Assigns one user in several experiments, in order.
 * @param deps - the ports
 * @param userId - the user
 * @param experimentIds - the experiments
 * @param enroll - record the user's exposure in each experiment it is assigned in
 * @returns one assignment per experiment
 * @throws {ValidationError} 404 naming the unknown experiments; 409 one declares no variants
 * @example await assignExperiments(deps, 'u1', ['exp1', 'exp2'], true)
 */
export async function assignExperiments(
  deps: StageDeps,
  userId: string,
  experimentIds: readonly string[],
  enroll: boolean,
): Promise<Assignment[]> {
  const records = await findExperiments(deps.db, experimentIds);
  const unknown = experimentIds.filter((id) => !records.has(id));
  if (unknown.length > 0) {
    throw new ValidationError(`unknown experiments: ${[...new Set(unknown)].join(', ')}`, 404);
  }
  const experiments = new Map(
    [...records].map(([id, record]) => [id, assigning(deps.db, record)] as const),
  );
  const assignments = experimentIds.map((id) =>
    assignUser(experiments.get(id) as AssigningExperiment, userId),
  );
  if (enroll) await enrollAssigned(deps, assignments, [...experiments.values()]);
  return assignments;
}

async function enrollAssigned(
  deps: StageDeps,
  assignments: readonly Assignment[],
  experiments: readonly AssigningExperiment[],
): Promise<void> {
  const exposureOf = new Map(
    experiments.map((e) => [e.record.experiment_id, e.record.definition.exposure_event]),
  );
  const at = new Date().toISOString();
  const enrollments: Enrollment[] = [];
  for (const assignment of assignments) {
    if (assignment.variant === null) continue;
    enrollments.push({
      experimentId: assignment.experiment_id,
      userId: assignment.user_id,
      variant: assignment.variant,
      eventType: exposureOf.get(assignment.experiment_id) ?? 'exposure',
      timestamp: at,
    });
  }
  if (enrollments.length > 0) await recordEnrollments(deps, enrollments);
}
