/**
 * A definitions file (issue 14, seed 000's `experiments.yaml`): one definition, or several under
 * `experiments: [...]`, each checked by the one definition schema.
 */
import { ValidationError } from '../errors/errors.ts';
import {
  checkDefinition,
  parseDefinitionText,
  type ExperimentDefinition,
} from './experiment-definition.ts';

/** A definitions file's experiments, and whether it held them as a list. */
export interface DefinitionsFile {
  readonly definitions: ExperimentDefinition[];
  /** True for `experiments: [...]` (even of one), false for a file of one definition. */
  readonly list: boolean;
}

/**
 * Parses a file holding one definition or `experiments: [...]`.
 * @param text - YAML or JSON text
 * @param label - the file's name for messages
 * @returns the definitions, in file order, and whether they came as a list
 * @throws {ValidationError} 400 for text that is not YAML or JSON; 422 naming the experiment's
 *   index and the first bad field; 422 for two experiments with one id
 * @example parseExperimentDefinitions('experiments:\n  - id: a\n  - id: b\n', 'x.yaml').definitions.length // 2
 */
export function parseExperimentDefinitions(text: string, label: string): DefinitionsFile {
  const raw = parseDefinitionText(text, label);
  const list =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'experiments' in raw
      ? (raw as { experiments: unknown }).experiments
      : undefined;
  if (list === undefined) return { definitions: [checkDefinition(raw, label)], list: false };
  if (!Array.isArray(list) || list.length === 0) {
    throw new ValidationError(`${label}: experiments must be a non-empty list`, 422);
  }
  const definitions = list.map((item, index) =>
    checkDefinition(item, `${label}: experiments.${index}`),
  );
  const ids = definitions.map((definition) => definition.id);
  const twice = ids.find((id, index) => ids.indexOf(id) !== index);
  if (twice !== undefined) {
    throw new ValidationError(`${label}: experiment ${twice} is defined twice`, 422);
  }
  return { definitions, list: true };
}
