/**
 * Assignment over the API: `GET /v1/experiments/{experiment_id}/assignment/{user_id}` and
 * `POST /v1/assignments/bulk` (up to 10,000 users of one experiment, or one user in up to
 * 1,000 experiments), each entry `{experiment_id, user_id, status, variant, bucket, config}`,
 * in input order. `?enroll=true` (`"enroll": true` in bulk) also records each assigned user's
 * exposure through ingest; it writes, so it needs a token that may write.
 */
import { ValidationError } from '../../errors/errors.ts';
import { assignExperiments, assignUsers } from '../../stages/assignments.ts';
import { sendJson } from '../http-json.ts';
import type { RouteContext } from '../route.ts';
import { parseBulkRequest, userIdSchema } from '../results/experiment-api-schemas.ts';
import { readJsonBody } from '../results/json-body.ts';
import { checkedId } from '../results/path-ids.ts';

/** The largest bulk body: 10,000 user ids of up to 512 characters, with room for escapes. */
export const maxBulkBodyBytes = 16 * 1024 * 1024;

/**
 * `GET /v1/experiments/{experiment_id}/assignment/{user_id}[?enroll=true]`.
 * @param context - the request
 * @example await getAssignment(context)
 */
export async function getAssignment(context: RouteContext): Promise<void> {
  const experimentId = checkedId('experiment', context.params.experiment_id);
  const userId = userIdSchema.safeParse(context.params.user_id);
  if (!userId.success) {
    throw new ValidationError(`not a valid user id: ${userId.error.issues[0]?.message ?? ''}`, 400);
  }
  const enroll = enrollFlag(context, context.query.get('enroll'));
  const [assignment] = await assignUsers(context.deps, experimentId, [userId.data], enroll);
  context.metrics.countAssignments(1);
  sendJson(context.res, 200, assignment);
}

/**
 * `POST /v1/assignments/bulk`.
 * @param context - the request
 * @example await postBulkAssignments(context)
 */
export async function postBulkAssignments(context: RouteContext): Promise<void> {
  const body = parseBulkRequest(await readJsonBody(context.req, maxBulkBodyBytes));
  const enroll = enrollFlag(context, body.enroll === true ? 'true' : null);
  const assignments =
    'user_ids' in body
      ? await assignUsers(context.deps, body.experiment_id, body.user_ids, enroll)
      : await assignExperiments(context.deps, body.user_id, body.experiment_ids, enroll);
  context.metrics.countAssignments(assignments.length);
  sendJson(context.res, 200, { assignments });
}

function enrollFlag(context: RouteContext, value: string | null): boolean {
  if (value === null || value === 'false') return false;
  if (value !== 'true') throw new ValidationError('enroll must be true or false', 400);
  if (!context.caller.canWrite) {
    throw new ValidationError('enrolling records events: use a token that may write', 403);
  }
  return true;
}
