/**
 * The ids a URL of the results API may carry, checked before anything is looked up: an id that
 * cannot be one answers 400, one that could be but is not known answers 404 later. The patterns
 * allow no `/`, `\` or `..`, so no id can lead a storage key out of its prefix.
 */
import { ValidationError } from '../../errors/errors.ts';
import {
  analysisIdPattern,
  batchIdPattern,
  experimentIdPattern,
} from '../../events/events-contract.ts';
import { webhookIdPattern } from '../../webhooks/webhook-records.ts';
import { alertIdPattern } from '../../store/alert-records.ts';

/** Job ids: `job_` and 24 hexadecimal digits. */
export const jobIdPattern = /^job_[0-9a-f]{24}$/;

const kinds = {
  experiment: experimentIdPattern,
  analysis: analysisIdPattern,
  batch: batchIdPattern,
  job: jobIdPattern,
  webhook: webhookIdPattern,
  alert: alertIdPattern,
} as const;

/** The kinds of id a path can hold. */
export type IdKind = keyof typeof kinds;

/**
 * Checks a path parameter against the pattern of its kind.
 * @param kind - experiment, analysis, job or webhook
 * @param value - the decoded path segment
 * @returns the value, when valid
 * @throws {ValidationError} (400) naming the kind
 * @example checkedId('analysis', 'an_0123456789abcdef01234567')
 */
export function checkedId(kind: IdKind, value: string | undefined): string {
  if (value === undefined || !kinds[kind].test(value)) {
    throw new ValidationError(`not a valid ${kind} id: ${JSON.stringify(value ?? '')}`, 400);
  }
  return value;
}
