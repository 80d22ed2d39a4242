/**
 * `POST /v1/plan`: the sample size for a relative MDE, or the MDE of a sample size, with the days
 * needed at a daily traffic. It computes and stores nothing.
 */
import { planExperiment, planRequestSchema } from '../../analysis/experiment-plan.ts';
import { ValidationError } from '../../errors/errors.ts';
import { sendJson } from '../http-json.ts';
import type { RouteContext } from '../route.ts';
import { readJsonBody } from './json-body.ts';

/**
 * `POST /v1/plan`: 200 with the plan; 422 naming the field at fault.
 * @param context - the request
 * @example await postPlan(context)
 */
export async function postPlan(context: RouteContext): Promise<void> {
  const parsed = planRequestSchema.safeParse(await readJsonBody(context.req));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new ValidationError(
      `${path === '' ? 'request' : path}: ${issue?.message ?? 'invalid'}`,
      422,
      {},
      { path },
    );
  }
  sendJson(context.res, 200, planExperiment(parsed.data));
}
