/**
 * Whether an upload over HTTP or into the bucket is a unit-level table, and how to read it:
 * when the uploader names the variant column (the `X-Abtest-Unit-Table` header or the
 * `unit_table` form field), or when the experiment it is for has a definition with a
 * `unit_table` block. The experiment is the one named (`X-Abtest-Experiment`, the
 * `experiment` form field), else the one the file's name stands for (`uploads/<id>.csv`,
 * `uploads/<id>/<any>.csv`, or a form file `<id>.csv`). The other settings (control, unit
 * column, metrics) come from the definition's block when there is one.
 */
import { ValidationError } from '../errors/errors.ts';
import { experimentIdPattern } from '../events/events-contract.ts';
import { findExperiment } from '../store/experiment-records.ts';
import { experimentIdFromFileName, type UnitTableOptions } from '../units/unit-table-options.ts';
import type { StageDeps } from './stage-deps.ts';

/** What an upload says about itself. */
export interface UnitTableHints {
  /** The experiment named by the uploader, if any. */
  readonly experimentId?: string | undefined;
  /** The variant column named by the uploader, if any. */
  readonly variantColumn?: string | undefined;
  /** Names the file goes by, most specific first (a folder, then the file name). */
  readonly names?: readonly string[];
}

/**
 * Decides how to read an upload.
 * @param deps - the ports (the experiment's definition is read)
 * @param hints - what the upload says
 * @returns the unit-table options, or undefined for an events file
 * @throws {ValidationError} (400) for a named experiment id that cannot be one, or a variant
 *   column named without any experiment
 * @example await unitTableReading(deps, { variantColumn: 'version', experimentId: 'cookie_cats' })
 */
export async function unitTableReading(
  deps: StageDeps,
  hints: UnitTableHints,
): Promise<UnitTableOptions | undefined> {
  if (hints.experimentId !== undefined && !experimentIdPattern.test(hints.experimentId)) {
    throw new ValidationError(
      `not a valid experiment id: ${JSON.stringify(hints.experimentId)}`,
      400,
    );
  }
  const candidates = [
    ...(hints.experimentId === undefined ? [] : [hints.experimentId]),
    ...(hints.names ?? []).flatMap((name) => experimentIdFromFileName(name) ?? []),
  ];
  for (const experimentId of candidates) {
    const block = (await findExperiment(deps.db, experimentId))?.definition?.unit_table;
    const variantColumn = hints.variantColumn ?? block?.variant_column;
    if (variantColumn === undefined) continue;
    return {
      kind: 'unit_table',
      experiment_id: experimentId,
      variant_column: variantColumn,
      ...(block?.control === undefined ? {} : { control: block.control }),
      ...(block?.unit_column === undefined ? {} : { unit_column: block.unit_column }),
      ...(block?.metrics === undefined ? {} : { metrics: [...block.metrics] }),
    };
  }
  if (hints.variantColumn !== undefined) {
    throw new ValidationError(
      'a unit-level table needs its experiment: send X-Abtest-Experiment (or the form field "experiment"), or name the file after it',
      400,
    );
  }
  return undefined;
}
