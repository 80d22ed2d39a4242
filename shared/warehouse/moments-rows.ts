/**
 * The rows of the moments query (moments-sql.ts) back into the moments table the statistics
 * read (shared/moments/moments-table.ts). Pure.
 */
import type {
  DailyIncrement,
  MetricSums,
  MomentsCell,
  MomentsSchema,
  MomentsTable,
  ValueCount,
} from '../moments/moments-table.ts';

/** One row of the moments query: text, numbers or null by column name. */
export type MomentsRow = Readonly<Record<string, number | string | null>>;

/**
 * Reads the moments query's rows, which come in the table's order.
 * @param schema - the schema the query was generated for
 * @param rows - its rows
 * @returns the moments table
 * @throws {Error} when a row lacks a column the schema needs
 * @example momentsFromRows(schema, await warehouse.query(momentsQuery(source, input))).cells.length
 */
export function momentsFromRows(schema: MomentsSchema, rows: readonly MomentsRow[]): MomentsTable {
  const cells: MomentsCell[] = [];
  const increments: DailyIncrement[] = [];
  const valueCounts: ValueCount[] = [];
  let events = 0;
  let excludedMultipleVariants = 0;
  const numberOf = (row: MomentsRow, column: string): number => {
    const value = row[column];
    if (typeof value !== 'number') throw new Error(`moments row without ${column}`);
    return value;
  };
  const textOf = (row: MomentsRow, column: string): string => {
    const value = row[column];
    if (typeof value !== 'string') throw new Error(`moments row without ${column}`);
    return value;
  };
  const metricOf = (row: MomentsRow): string =>
    schema.metrics[numberOf(row, 'metric')]?.name ?? textOf(row, 'metric');
  for (const row of rows) {
    switch (row.section) {
      case 'cells':
        cells.push({
          variant: textOf(row, 'variant'),
          pattern: schema.attributes.map((_, i) => textOf(row, `attr_${i}`)),
          exposureDay: numberOf(row, 'day'),
          n: numberOf(row, 'n'),
          metrics: schema.metrics.map(
            (metric, i): MetricSums => ({
              sumY: numberOf(row, `sum_y_${i}`),
              sumYY: numberOf(row, `sum_yy_${i}`),
              sumX: metric.paired ? numberOf(row, `sum_x_${i}`) : null,
              sumXX: metric.paired ? numberOf(row, `sum_xx_${i}`) : null,
              sumXY: metric.paired ? numberOf(row, `sum_xy_${i}`) : null,
            }),
          ),
        });
        break;
      case 'increments':
        increments.push({
          variant: textOf(row, 'variant'),
          day: numberOf(row, 'day'),
          metric: metricOf(row),
          sumY: numberOf(row, 'change_y'),
          sumYY: numberOf(row, 'change_yy'),
        });
        break;
      case 'values':
        valueCounts.push({
          metric: metricOf(row),
          variant: textOf(row, 'variant'),
          value: numberOf(row, 'value'),
          count: numberOf(row, 'n'),
        });
        break;
      case 'events':
        events = numberOf(row, 'n');
        break;
      case 'excluded':
        excludedMultipleVariants = numberOf(row, 'n');
        break;
      default:
        throw new Error(`moments row of an unknown section ${String(row.section)}`);
    }
  }
  return { schema, cells, increments, valueCounts, events, excludedMultipleVariants };
}
