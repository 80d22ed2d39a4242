/**
 * The pure core of `abtest stats --vectors`: a document in the format of
 * `stats_vectors.json` in, the same sections with every case's `computed` value out.
 */
import { z } from 'zod';
import { STATS_SECTION_COMPUTERS, type SectionComputer } from './vector-sections.ts';

/** A reference-vector file that cannot be computed: the message says where and why. */
export class VectorFileError extends Error {
  override readonly name = 'VectorFileError';
}

/** One computed case: the case's input as given and the computed values. */
export interface ComputedCase {
  readonly input: unknown;
  readonly computed: unknown;
}

/** The result: computed sections in input order, and the array sections left out. */
export interface ComputedVectors {
  readonly sections: Readonly<Record<string, readonly ComputedCase[]>>;
  readonly skipped: readonly string[];
}

const caseSchema = z.looseObject({ input: z.unknown() });

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ');
}

/**
 * Computes every case of every known section from its `input` alone (`expected` is never read).
 * The section table is extensible: `extraSections` adds or overrides computers by name (the
 * `regression` section plugs in here from shared/models). Array-valued top-level keys without a
 * computer are reported in `skipped`; scalar metadata (`source`, `seed`) is ignored.
 * @param document - the parsed JSON file
 * @param extraSections - additional section computers, by section name
 * @returns the computed sections, in the document's order, and the skipped section names
 * @throws VectorFileError when the document is not an object, has no known section, or a case is
 * malformed (the message names the section, the case index and the field)
 * @example computeVectors({ srm: [{ input: { observed: [50, 50], expected_share: [1, 1] } }] }).sections.srm[0].computed // { statistic: 0, p_value: 1, flagged: false }
 */
export function computeVectors(
  document: unknown,
  extraSections: Readonly<Record<string, SectionComputer>> = {},
): ComputedVectors {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new VectorFileError('expected a JSON object with sections such as "binomial"');
  }
  const computers: Record<string, SectionComputer> = {
    ...STATS_SECTION_COMPUTERS,
    ...extraSections,
  };
  const sections: Record<string, readonly ComputedCase[]> = {};
  const skipped: string[] = [];
  for (const [name, cases] of Object.entries(document)) {
    if (!Array.isArray(cases)) continue;
    const compute = computers[name];
    if (compute === undefined) {
      skipped.push(name);
      continue;
    }
    sections[name] = cases.map((entry: unknown, index) => {
      const where = `section "${name}", case ${index}`;
      const parsed = caseSchema.safeParse(entry);
      if (!parsed.success) throw new VectorFileError(`${where}: expected an object with "input"`);
      try {
        return { input: parsed.data.input, computed: compute(parsed.data.input) };
      } catch (error) {
        if (error instanceof z.ZodError) {
          throw new VectorFileError(`${where}: invalid input: ${describeIssues(error)}`);
        }
        throw error;
      }
    });
  }
  if (Object.keys(sections).length === 0) {
    const known = Object.keys(computers).join(', ');
    throw new VectorFileError(`no section to compute (known sections: ${known})`);
  }
  return { sections, skipped };
}
