/**
 * Experiments defined and run over the API: `POST /v1/experiments` (201, a draft; 409 when the
 * id exists), `PATCH /v1/experiments/{id}` (a JSON merge patch), `PUT .../status` (a move of
 * the lifecycle), `GET .../audit` (the log, oldest first) and `POST /v1/definitions` (a YAML or
 * JSON definition file, with the same effect as one uploaded under `definitions/`; a file of
 * `experiments: [...]` is applied whole or not at all and answers `{"experiments": [...]}`). Every
 * change answers with the experiment as it now is; the audit log names the caller's token.
 */
import { z } from 'zod';
import { parseExperimentDefinitions } from '../../analysis/definitions-file.ts';
import { ValidationError } from '../../errors/errors.ts';
import { auditEntries } from '../../store/audit-records.ts';
import type { ChangeActor } from '../../store/audit-records.ts';
import { applyAllocation } from '../../stages/allocation-change.ts';
import {
  applyDefinitionFiles,
  changeStatus,
  createExperiment,
  patchExperiment,
} from '../../stages/experiment-changes.ts';
import { sendJson } from '../http-json.ts';
import type { RouteContext } from '../route.ts';
import {
  allocationChangeSchema,
  parseBody,
  statusChangeSchema,
} from '../results/experiment-api-schemas.ts';
import { experimentPath, requestedExperiment } from '../results/experiment-context.ts';
import { experimentView } from '../results/experiment-view.ts';
import { isoTime } from '../results/iso-time.ts';
import { mediaType, readBodyText, readJsonBody } from '../results/json-body.ts';
import { encodeCursor, pageCursor, pageLimit } from '../results/paging.ts';
import { checkedId } from '../results/path-ids.ts';

/** The largest definition accepted. */
const maxDefinitionBytes = 1024 * 1024;

/** The media types a definition file may come as. */
const definitionTypes = new Set([
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
  'application/json',
  'text/plain',
]);

const auditCursor = z.object({ after: z.string().regex(/^\d{1,19}$/) });

/**
 * `POST /v1/experiments`: creates a draft from a definition.
 * @param context - the request
 * @example await postExperiment(context)
 */
export async function postExperiment(context: RouteContext): Promise<void> {
  const created = await createExperiment(
    context.deps,
    await readJsonBody(context.req, maxDefinitionBytes),
    apiActor(context),
  );
  context.logger.info('experiment created', { experiment_id: created.experiment_id });
  await answerExperiment(context, created.experiment_id, 201, {
    location: experimentPath(created.experiment_id),
  });
}

/**
 * `PATCH /v1/experiments/{experiment_id}`: changes fields with a JSON merge patch.
 * @param context - the request
 * @example await patchExperimentRoute(context)
 */
export async function patchExperimentRoute(context: RouteContext): Promise<void> {
  const experimentId = checkedId('experiment', context.params.experiment_id);
  const patch = await readJsonBody(context.req, maxDefinitionBytes);
  await patchExperiment(context.deps, experimentId, patch, apiActor(context));
  await answerExperiment(context, experimentId, 200);
}

/**
 * `PUT /v1/experiments/{experiment_id}/status` `{"status", "reason"}`.
 * @param context - the request
 * @example await putStatus(context)
 */
export async function putStatus(context: RouteContext): Promise<void> {
  const experimentId = checkedId('experiment', context.params.experiment_id);
  const request = parseBody(statusChangeSchema, await readJsonBody(context.req));
  const moved = await changeStatus(
    context.deps,
    experimentId,
    { status: request.status, reason: request.reason ?? null },
    apiActor(context),
  );
  context.logger.info('experiment status changed', {
    experiment_id: experimentId,
    status: moved.status,
  });
  await answerExperiment(context, experimentId, 200);
}

/**
 * `POST /v1/experiments/{experiment_id}/allocation` `{"reason"}`: applies the latest analysis's
 * Thompson-sampling weights to the variants.
 * @param context - the request
 * @example await postAllocation(context)
 */
export async function postAllocation(context: RouteContext): Promise<void> {
  const experimentId = checkedId('experiment', context.params.experiment_id);
  const request = parseBody(allocationChangeSchema, await readJsonBody(context.req));
  await applyAllocation(context.deps, experimentId, request.reason ?? null, apiActor(context));
  context.logger.info('experiment allocation applied', { experiment_id: experimentId });
  await answerExperiment(context, experimentId, 200);
}

/**
 * `GET /v1/experiments/{experiment_id}/audit`: a page of the audit log, oldest first.
 * @param context - the request
 * @example await getAudit(context)
 */
export async function getAudit(context: RouteContext): Promise<void> {
  const state = await requestedExperiment(context);
  const limit = pageLimit(context.query);
  const after = pageCursor(context.query, auditCursor)?.after;
  const rows = await auditEntries(context.deps.db, state.experiment_id, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  sendJson(context.res, 200, {
    experiment_id: state.experiment_id,
    items: page.map((row) => ({
      at: isoTime(row.at),
      action: row.action,
      token_name: row.token_name,
      source: row.source,
      from: row.from_status,
      to: row.to_status,
      reason: row.reason,
      changes: row.changes,
      version: row.version,
    })),
    next_cursor:
      rows.length > limit && last !== undefined ? encodeCursor({ after: last.audit_id }) : null,
  });
}

/**
 * `POST /v1/definitions`: a definition file (YAML or JSON) written as if uploaded under
 * `definitions/`: it creates its experiment (in the status it names, `running` by default) or
 * changes it under the lifecycle's checks. A file of `experiments: [...]` does so for each, in
 * one transaction, and answers `{"experiments": [{outcome, experiment}]}` (201 when every one
 * was created).
 * @param context - the request
 * @example await postDefinition(context)
 */
export async function postDefinition(context: RouteContext): Promise<void> {
  const type = mediaType(context.req);
  if (!definitionTypes.has(type)) {
    context.req.resume();
    throw new ValidationError(
      `send the definition as application/yaml or application/json, not "${type}"`,
      415,
    );
  }
  const text = await readBodyText(context.req, maxDefinitionBytes);
  if (text.trim() === '') throw new ValidationError('the request body is empty', 400);
  const file = parseExperimentDefinitions(text, 'the definition');
  const outcomes = await applyDefinitionFiles(context.deps, file.definitions, {
    tokenName: context.caller.tokenName,
    source: 'POST /v1/definitions',
  });
  const answers = await Promise.all(
    file.definitions.map(async (definition, index) => ({
      outcome: outcomes[index],
      experiment: await experimentView(context.deps.db, definition.id),
    })),
  );
  const created = outcomes.every((outcome) => outcome === 'created');
  const [single] = file.definitions;
  if (file.list || single === undefined) {
    sendJson(context.res, created ? 201 : 200, { experiments: answers });
  } else {
    sendJson(context.res, created ? 201 : 200, answers[0], {
      location: experimentPath(single.id),
    });
  }
}

function apiActor(context: RouteContext): ChangeActor {
  return { tokenName: context.caller.tokenName, source: 'api' };
}

async function answerExperiment(
  context: RouteContext,
  experimentId: string,
  status: number,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  const view = await experimentView(context.deps.db, experimentId);
  if (view === undefined) throw new ValidationError(`unknown experiment ${experimentId}`, 404);
  sendJson(context.res, status, view, headers);
}
