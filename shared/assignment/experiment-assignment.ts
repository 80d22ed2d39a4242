/**
 * Assignment of a stored experiment: its plan from its definition (salt default the id,
 * allocation default 1, weights as given or equal), and the answer shape of the API. Only a
 * running experiment assigns; for any other status the variant is null. Pure.
 */
import {
  variantWeights,
  type ExperimentDefinition,
  type ExperimentStatus,
} from '../analysis/experiment-definition.ts';
import type { AssignmentPlan } from './variant-assigner.ts';

/** One assignment as the API answers it. */
export interface Assignment {
  readonly experiment_id: string;
  readonly user_id: string;
  readonly status: ExperimentStatus;
  /** The variant's key, or null (outside the allocation, or the experiment is not running). */
  readonly variant: string | null;
  readonly bucket: number;
  /** The variant's config (an empty object when it has none), or null without a variant. */
  readonly config: Readonly<Record<string, unknown>> | null;
}

/** A definition that declares variants. */
export type AssignableDefinition = ExperimentDefinition & {
  readonly variants: NonNullable<ExperimentDefinition['variants']>;
};

/**
 * The assignment plan of a definition.
 * @param definition - a definition declaring its variants
 * @returns the salt (default: the id), the allocation (default: 1) and the weights
 * @example assignmentPlan(definition).salt
 */
export function assignmentPlan(definition: AssignableDefinition): AssignmentPlan {
  return {
    salt: definition.salt ?? definition.id,
    allocation: definition.traffic_allocation ?? 1,
    weights: variantWeights(definition),
  };
}

/**
 * Whether a definition declares variants to assign.
 * @param definition - the stored definition, or null
 * @returns true when it has variants
 * @example isAssignable(null) // false
 */
export function isAssignable(
  definition: ExperimentDefinition | null,
): definition is AssignableDefinition {
  return definition?.variants !== undefined && definition.variants.length > 0;
}
