/**
 * The validate stage's one call into the quality gates (shared/events/quality-gates.ts): the
 * gates of the experiments a batch touches are read from their definitions, the rows out of
 * range join the batch's row errors and leave its accepted rows, and a column emptier than its
 * maximum rejects the file. A batch whose experiments have no gates is not read again.
 */
import pl from 'nodejs-polars';
import type { QualityGates } from '../analysis/experiment-definition.ts';
import { checkQualityGates } from '../events/quality-gates.ts';
import { rowIndexColumn } from '../events/read-event-table.ts';
import { curatedColumns, type ValidatedRows } from '../events/validate-event-rows.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * The validated rows with the quality gates applied.
 * @param deps - the ports (the database holds the definitions)
 * @param rows - the rows that passed the events contract
 * @param label - the file's name, for messages
 * @returns the same rows, the gates' rejections added (in record order) and those rows removed
 * @throws {ValidationError} (422) when a column's empty share is above its maximum
 * @example const gated = await withQualityGates(deps, rows, 'events.csv')
 */
export async function withQualityGates(
  deps: Pick<StageDeps, 'db'>,
  rows: ValidatedRows,
  label: string,
): Promise<ValidatedRows> {
  const defined = await deps.db.query<{ experiment_id: string; quality: QualityGates }>(
    `SELECT experiment_id, definition->'quality' AS quality FROM experiments
     WHERE definition->'quality' IS NOT NULL ORDER BY experiment_id`,
  );
  if (defined.rows.length === 0) return rows;
  const present = new Set(
    (await rows.accepted.select(pl.col('experiment_id').unique()).collect())
      .getColumn('experiment_id')
      .toArray() as string[],
  );
  const gates = new Map(
    defined.rows
      .filter((row) => present.has(row.experiment_id))
      .map((row) => [row.experiment_id, row.quality] as const),
  );
  if (gates.size === 0) return rows;
  const columns = [...curatedColumns, ...rows.attributes];
  const gated = await checkQualityGates(rows.accepted, columns, gates, label);
  if (gated.length === 0) return rows;
  const out = gated.map((rejection) => rejection.record);
  return {
    ...rows,
    rejections: [...rows.rejections, ...gated].sort((a, b) => a.record - b.record),
    accepted: rows.accepted.filter(pl.col(rowIndexColumn).isIn(out).not()),
  };
}
