/**
 * Builds a {@link UnitTable} from plain records, for the reference vectors, tests and small
 * inputs. The analysis stage builds its tables from columns directly.
 */
import { MISSING_LEVEL, type CategoricalColumn, type UnitTable } from './unit-table.ts';

/** Which record fields become the variant, the attributes and the metrics. */
export interface RecordColumns {
  readonly variant: string;
  readonly attributes: readonly string[];
  readonly metrics: readonly { readonly name: string; readonly type: 'binomial' | 'continuous' }[];
  /** Fields holding numeric attributes (`Number`; null, missing or not a number gives NaN). */
  readonly numeric?: readonly string[];
  /** Field holding the unit id; default: the record's index, zero-padded (already sorted). */
  readonly unitId?: string;
}

const read = (record: object, field: string): unknown => (record as Record<string, unknown>)[field];

function categorical(records: readonly object[], field: string): CategoricalColumn {
  const levels: string[] = [];
  const index = new Map<string, number>();
  const codes = new Uint32Array(records.length);
  records.forEach((record, i) => {
    const raw = read(record, field);
    const level = raw === null || raw === undefined || raw === '' ? MISSING_LEVEL : String(raw);
    let code = index.get(level);
    if (code === undefined) {
      code = levels.length;
      levels.push(level);
      index.set(level, code);
    }
    codes[i] = code;
  });
  return { levels, codes };
}

/**
 * Converts records to a unit table. Missing or empty attribute values become
 * {@link MISSING_LEVEL}; metric values are converted with `Number` (null gives NaN).
 *
 * @param records - One record per unit.
 * @param columns - Field roles.
 * @returns The unit table (levels in order of first appearance).
 * @example unitTableFromRecords([{ variant: 'a', y: 1 }], { variant: 'variant', attributes: [], metrics: [{ name: 'y', type: 'binomial' }] });
 */
export function unitTableFromRecords(
  records: readonly object[],
  columns: RecordColumns,
): UnitTable {
  const width = String(Math.max(records.length - 1, 0)).length;
  const idField = columns.unitId;
  return {
    unitIds: records.map((record, i) =>
      idField === undefined ? String(i).padStart(width, '0') : String(read(record, idField)),
    ),
    variant: categorical(records, columns.variant),
    attributes: columns.attributes.map((name) => ({ name, column: categorical(records, name) })),
    metrics: columns.metrics.map(({ name, type }) => ({
      name,
      type,
      values: Float64Array.from(records, (record) => {
        const value = read(record, name);
        return value === null || value === undefined ? Number.NaN : Number(value);
      }),
    })),
    numeric: (columns.numeric ?? []).map((name) => ({
      name,
      values: Float64Array.from(records, (record) => {
        const value = read(record, name);
        return value === null || value === undefined || value === '' ? Number.NaN : Number(value);
      }),
    })),
  };
}
