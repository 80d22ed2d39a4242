/**
 * Input schemas shared by the reference-vector section computers: counts, levels, finite
 * numbers, named arms. A case that fails them names its field in the error.
 */
import { z } from 'zod';

/** A count of users or successes. */
export const count = z.number().int().nonnegative();
/** A significance level in (0, 1). */
export const alpha = z.number().gt(0).lt(1);
/** Any finite number. */
export const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/** A list of p-values in [0, 1]. */
export const pValues = z.array(z.number().min(0).max(1));

/**
 * Arms keyed by name (in the object's order) with the control's name and alpha; the control must
 * be one of the arms and there must be at least two.
 * @param arm - the schema of one arm's data
 * @returns the schema of `{arms, control, alpha}`
 * @example namedArms(z.array(finite)).parse({ arms: { a: [1], b: [2] }, control: 'a', alpha: 0.05 })
 */
export function namedArms<T extends z.ZodType>(arm: T) {
  return z
    .object({ arms: z.record(z.string(), arm), control: z.string(), alpha })
    .refine((input) => Object.keys(input.arms).length >= 2, {
      message: 'needs at least two arms',
      path: ['arms'],
    })
    .refine((input) => Object.hasOwn(input.arms, input.control), {
      message: 'control must name one of the arms',
      path: ['control'],
    });
}
