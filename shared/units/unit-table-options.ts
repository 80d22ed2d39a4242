/**
 * How to read a unit-level table (DESIGN.md "Unit-level tables"): one row per user, store or
 * week with the outcomes already computed, e.g. `userid,version,sum_gamerounds,retention_1`.
 * The settings come from the command line or an experiment definition and travel with the
 * batch (they are part of its identity: the same file read two ways is two batches).
 */
import { z } from 'zod';
import { experimentIdPattern } from '../events/events-contract.ts';
import type { HeaderRules } from '../events/read-event-table.ts';

const metricSchema = z.object({
  name: z.string().min(1),
  type: z.enum(['binomial', 'continuous']),
});

/** The reading options of a unit-table batch. */
export const unitTableOptionsSchema = z.object({
  kind: z.literal('unit_table'),
  experiment_id: z.string().regex(experimentIdPattern),
  variant_column: z.string().min(1),
  control: z.string().min(1).optional(),
  unit_column: z.string().min(1).optional(),
  metrics: z.array(metricSchema).min(1).optional(),
});

export type UnitTableOptions = z.infer<typeof unitTableOptionsSchema>;

/** A metric of a unit table, named as its header spells it. */
export type UnitTableMetric = z.infer<typeof metricSchema>;

/** What an experiment fed by unit tables keeps: the control and its metrics. */
export interface UnitTableSettings {
  readonly variant_column: string;
  readonly control: string | null;
  readonly metrics: readonly UnitTableMetric[];
}

/**
 * Tells whether a batch's options describe a unit table.
 * @param options - the batch's stored options
 * @returns the parsed options, or undefined for an events batch
 * @example unitTableOptionsOf({ kind: 'unit_table', experiment_id: 'e', variant_column: 'v' })
 */
export function unitTableOptionsOf(options: unknown): UnitTableOptions | undefined {
  const parsed = unitTableOptionsSchema.safeParse(options);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Parses `--metric NAME:TYPE` flags.
 * @param flags - the flag values
 * @returns the metrics, or an error message naming the bad flag
 * @example parseMetricFlags(['retention_1:binomial'])
 */
export function parseMetricFlags(flags: readonly string[]): UnitTableMetric[] | string {
  const metrics: UnitTableMetric[] = [];
  for (const flag of flags) {
    const colon = flag.lastIndexOf(':');
    const name = flag.slice(0, colon);
    const type = flag.slice(colon + 1);
    if (colon <= 0 || (type !== 'binomial' && type !== 'continuous')) {
      return `--metric takes NAME:binomial or NAME:continuous, not "${flag}"`;
    }
    metrics.push({ name, type });
  }
  return metrics;
}

/**
 * The default experiment id of a file: its name without folders and extension.
 * @param filePath - the file
 * @returns the stem, when it is a valid experiment id
 * @example experimentIdFromFileName('data/cookie_cats.csv') // 'cookie_cats'
 */
export function experimentIdFromFileName(filePath: string): string | undefined {
  const base = filePath.split('/').pop() ?? '';
  const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  return experimentIdPattern.test(stem) ? stem : undefined;
}

/**
 * The header a unit table must have: its variant column, its unit column and named metrics,
 * matched case-insensitively; names keep the header's spelling.
 * @param options - how to read the table
 * @returns the header rules for `readTextTable`
 * @example unitTableHeader({ kind: 'unit_table', experiment_id: 'e', variant_column: 'Version' })
 */
export function unitTableHeader(options: UnitTableOptions): HeaderRules {
  const named = [
    options.variant_column,
    options.unit_column,
    ...(options.metrics ?? []).map((m) => m.name),
  ];
  return {
    required: named
      .filter((name): name is string => name !== undefined)
      .map((name) => name.trim().toLowerCase()),
    lowerCase: false,
  };
}
