/**
 * Every way a stored experiment changes, in one place, each in one transaction holding the
 * experiment's row: created over the API (as a draft), patched (a JSON merge patch), moved
 * through its lifecycle, or written by a definition file (uploaded under `definitions/`,
 * passed with `--definition`, or posted to `POST /v1/definitions`). The same checks apply to
 * all: the definition schema, the lifecycle table, the frozen fields. Every change bumps the
 * version and is written to the audit log; a changed definition asks for a re-analysis.
 */
import { enqueueMessage } from '../adapters/event-bus/outbox.ts';
import type { Queryable } from '../adapters/database/database.ts';
import {
  checkDefinition,
  type ExperimentDefinition,
  type ExperimentStatus,
} from '../analysis/experiment-definition.ts';
import { ValidationError } from '../errors/errors.ts';
import { applyMergePatch, changedFields } from '../experiments/definition-changes.ts';
import { checkFrozenFields, checkTransition } from '../experiments/lifecycle.ts';
import { topics } from '../messages/topics.ts';
import { appendAudit, type ChangeActor } from '../store/audit-records.ts';
import {
  findExperiment,
  insertExperiment,
  updateExperiment,
  type ExperimentRecord,
} from '../store/experiment-records.ts';
import type { StageDeps } from './stage-deps.ts';

/** What a definition file did to its experiment. */
export type FileOutcome = 'created' | 'changed' | 'unchanged';

/**
 * Creates an experiment from a definition sent over the API; it starts as a draft.
 * @param deps - the ports
 * @param raw - the request body, unvalidated
 * @param actor - the token making the change
 * @returns the stored experiment
 * @throws {ValidationError} 422 with the field's path; 409 when the id exists
 * @example await createExperiment(deps, { id: 'exp1', variants: [...] }, actor)
 */
export async function createExperiment(
  deps: StageDeps,
  raw: unknown,
  actor: ChangeActor,
): Promise<ExperimentRecord> {
  const definition = checkDefinition(raw, 'the definition');
  if (definition.status !== undefined && definition.status !== 'draft') {
    throw fieldError(
      'the definition',
      'status',
      'a new experiment starts as a draft: move it with PUT /v1/experiments/{id}/status',
    );
  }
  return deps.db.transaction(async (tx) => {
    const stored = withoutStatus(definition);
    if (!(await insertExperiment(tx, stored, 'draft'))) {
      throw new ValidationError(
        `experiment ${definition.id} already exists: change it with PATCH /v1/experiments/${definition.id}`,
        409,
      );
    }
    await appendAudit(tx, {
      experimentId: definition.id,
      action: 'created',
      actor,
      from: null,
      to: 'draft',
      reason: null,
      changes: changedFields(null, stored),
      version: 1,
    });
    return mustFind(tx, definition.id);
  });
}

/**
 * Changes fields of an experiment's definition with a JSON merge patch (RFC 7396).
 * @param deps - the ports
 * @param experimentId - the experiment
 * @param patch - the patch, unvalidated
 * @param actor - the token making the change
 * @returns the experiment as it now is
 * @throws {ValidationError} 404 unknown; 422 with the field's path; 409 for a frozen field
 * @example await patchExperiment(deps, 'exp1', { traffic_allocation: 0.5 }, actor)
 */
export async function patchExperiment(
  deps: StageDeps,
  experimentId: string,
  patch: unknown,
  actor: ChangeActor,
): Promise<ExperimentRecord> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw fieldError('the patch', '', 'a merge patch is a JSON object of the fields to change');
  }
  const fields = patch as Readonly<Record<string, unknown>>;
  if ('id' in fields && fields.id !== experimentId) {
    throw fieldError(`experiment ${experimentId}`, 'id', 'the id of an experiment cannot change');
  }
  if ('status' in fields) {
    throw fieldError(
      `experiment ${experimentId}`,
      'status',
      'change the status with PUT /v1/experiments/{id}/status',
    );
  }
  const outcome = await deps.db.transaction(async (tx) => {
    const current = await lockExperiment(tx, experimentId);
    const merged = applyMergePatch(current.definition ?? { id: experimentId }, patch);
    const definition = checkDefinition(merged, `experiment ${experimentId}`);
    const changed = await changeDefinition(tx, current, definition, actor);
    return { changed, experiment: await mustFind(tx, experimentId) };
  });
  if (outcome.changed) await deps.bus.flush();
  return outcome.experiment;
}

/**
 * Moves an experiment through its lifecycle.
 * @param deps - the ports
 * @param experimentId - the experiment
 * @param request - the status asked for, and why (kept in the audit log)
 * @param actor - the token making the change
 * @returns the experiment as it now is
 * @throws {ValidationError} 404 unknown; 409 naming the allowed next states
 * @example await changeStatus(deps, 'exp1', { status: 'running', reason: null }, actor)
 */
export async function changeStatus(
  deps: StageDeps,
  experimentId: string,
  request: { readonly status: ExperimentStatus; readonly reason: string | null },
  actor: ChangeActor,
): Promise<ExperimentRecord> {
  return deps.db.transaction(async (tx) => {
    const current = await lockExperiment(tx, experimentId);
    await moveStatus(tx, current, request.status, request.reason, actor);
    return mustFind(tx, experimentId);
  });
}

/**
 * Writes a definition file: creates its experiment (in the file's status, `running` when it
 * names none, as `abtest run --definition` always did) or changes it under the same checks as
 * the API. A status the file names that differs from the stored one is a move of the lifecycle.
 * @param deps - the ports
 * @param definition - the parsed file
 * @param actor - the file (and the token, for an upload over HTTP)
 * @returns created, changed or unchanged
 * @throws {ValidationError} 409 for an illegal move or a frozen field
 * @example await applyDefinitionFile(deps, definition, { tokenName: null, source: 'exp1.yaml' })
 */
export async function applyDefinitionFile(
  deps: StageDeps,
  definition: ExperimentDefinition,
  actor: ChangeActor,
): Promise<FileOutcome> {
  const [outcome] = await applyDefinitionFiles(deps, [definition], actor);
  return outcome ?? 'unchanged';
}

/**
 * Writes the definitions of one file (`experiments: [...]`, see definitions-file.ts) in one
 * transaction: either every experiment is created or changed, or, when one of them is refused,
 * none is.
 * @param deps - the ports
 * @param definitions - the parsed file's definitions, in file order
 * @param actor - the file (and the token, for an upload over HTTP)
 * @returns each definition's outcome, in file order
 * @throws {ValidationError} 409 for an illegal move or a frozen field of any of them
 * @example await applyDefinitionFiles(deps, parseExperimentDefinitions(text, 'all.yaml'), actor)
 */
export async function applyDefinitionFiles(
  deps: StageDeps,
  definitions: readonly ExperimentDefinition[],
  actor: ChangeActor,
): Promise<FileOutcome[]> {
  const outcomes = await deps.db.transaction(async (tx) => {
    const done: FileOutcome[] = [];
    for (const definition of definitions) done.push(await applyDefinition(tx, definition, actor));
    return done;
  });
  if (outcomes.some((outcome) => outcome !== 'unchanged')) await deps.bus.flush();
  return outcomes;
}

async function applyDefinition(
  tx: Queryable,
  definition: ExperimentDefinition,
  actor: ChangeActor,
): Promise<FileOutcome> {
  const current = await findExperiment(tx, definition.id, 'for update');
  const stored = withoutStatus(definition);
  if (current === undefined) {
    const status = definition.status ?? 'running';
    if (!(await insertExperiment(tx, stored, status))) {
      throw new ValidationError(`experiment ${definition.id} was created meanwhile: retry`, 409);
    }
    await appendAudit(tx, {
      experimentId: definition.id,
      action: 'created',
      actor,
      from: null,
      to: status,
      reason: null,
      changes: changedFields(null, stored),
      version: 1,
    });
    await requestAnalysis(tx, definition.id);
    return 'created';
  }
  const target = definition.status ?? current.status;
  const moves = target !== current.status;
  if (moves) checkTransition(definition.id, current.status, target);
  const changed = await changeDefinition(tx, current, definition, actor);
  if (moves) await moveStatus(tx, await mustFind(tx, definition.id), target, null, actor);
  return changed || moves ? 'changed' : 'unchanged';
}

/** Stores a new definition when it differs, after the frozen-field check; true when changed. */
async function changeDefinition(
  tx: Queryable,
  current: ExperimentRecord,
  definition: ExperimentDefinition,
  actor: ChangeActor,
): Promise<boolean> {
  const stored = withoutStatus(definition);
  const changes = changedFields(current.definition, stored);
  if (changes.length === 0) return false;
  checkFrozenFields(current.definition, stored, current.has_run);
  const version = await updateExperiment(tx, current.experiment_id, { definition: stored });
  await appendAudit(tx, {
    experimentId: current.experiment_id,
    action: 'changed',
    actor,
    from: current.status,
    to: current.status,
    reason: null,
    changes,
    version,
  });
  await requestAnalysis(tx, current.experiment_id);
  return true;
}

async function moveStatus(
  tx: Queryable,
  current: ExperimentRecord,
  to: ExperimentStatus,
  reason: string | null,
  actor: ChangeActor,
): Promise<void> {
  checkTransition(current.experiment_id, current.status, to);
  const version = await updateExperiment(tx, current.experiment_id, { status: to });
  await appendAudit(tx, {
    experimentId: current.experiment_id,
    action: 'status',
    actor,
    from: current.status,
    to,
    reason,
    changes: [{ field: 'status', from: current.status, to }],
    version,
  });
}

/** The analysis follows a changed definition (metrics, window, alpha...). */
async function requestAnalysis(tx: Queryable, experimentId: string): Promise<void> {
  await enqueueMessage(tx, topics.rerun, { version: 1, experiment_id: experimentId });
}

function withoutStatus(definition: ExperimentDefinition): ExperimentDefinition {
  const { status: _status, ...rest } = definition;
  return rest;
}

async function lockExperiment(tx: Queryable, experimentId: string): Promise<ExperimentRecord> {
  const current = await findExperiment(tx, experimentId, 'for update');
  if (current === undefined) throw new ValidationError(`unknown experiment ${experimentId}`, 404);
  return current;
}

async function mustFind(tx: Queryable, experimentId: string): Promise<ExperimentRecord> {
  const found = await findExperiment(tx, experimentId);
  if (found === undefined) throw new Error(`experiment ${experimentId} vanished`);
  return found;
}

function fieldError(label: string, path: string, message: string): ValidationError {
  const where = path === '' ? 'definition' : path;
  return new ValidationError(
    `${label}: ${where}: ${message}`,
    422,
    {},
    {
      path,
      issues: [{ path, message }],
    },
  );
}
