/**
 * A metric broken down by segment attributes (device, channel, ...): per level, each arm's users
 * and mean and each treatment's usual test within the level; the p-values adjusted across the
 * levels of all segments of one metric and one treatment (`segment_correction`); and Cochran's Q
 * of each attribute's level differences per treatment. A level with fewer than 30 users in any
 * arm is pooled into `other`.
 */
import { adjustPValues, cochranHeterogeneity, type PValueCorrection } from '../stats/index.ts';
import type { HeterogeneityResult, SegmentLevel } from '../result/result-document.ts';
import type { UnitAttribute } from '../models/unit-table.ts';
import type { ArmRows } from './cuped-estimate.ts';
import { compareMetricArms, summarizeMetricArm, type MetricData } from './metric-comparison.ts';

/** Fewer users than this in any arm pools a level into `other`. */
export const MIN_SEGMENT_USERS = 30;
/** The level rare levels are pooled into. */
export const OTHER_LEVEL = 'other';

/** A segment attribute's levels, each with the rows of every arm in it. */
export interface SegmentLevels {
  readonly attribute: string;
  readonly levels: readonly { readonly level: string; readonly arms: readonly ArmRows[] }[];
}

/**
 * Splits every arm's rows by the levels of an attribute, pooling levels with fewer than
 * {@link MIN_SEGMENT_USERS} users in any arm into `other` (levels in code-point order, `other`
 * last).
 * @param attribute - the attribute column
 * @param arms - every arm's rows
 * @returns the levels with their arms' rows
 * @example segmentLevels(table.attributes[0], arms).levels.map((l) => l.level)
 */
export function segmentLevels(attribute: UnitAttribute, arms: readonly ArmRows[]): SegmentLevels {
  const { levels, codes } = attribute.column;
  const counts = arms.map((arm) => {
    const perLevel = new Float64Array(levels.length);
    for (const row of arm.rows) perLevel[codes[row] ?? 0] += 1;
    return perLevel;
  });
  const kept = levels.map((_, code) =>
    counts.every((perLevel) => perLevel[code] >= MIN_SEGMENT_USERS),
  );
  const named = levels
    .map((level, code) => ({ level, code }))
    .filter(({ code, level }) => kept[code] && level !== OTHER_LEVEL)
    .sort((a, b) => (a.level < b.level ? -1 : a.level > b.level ? 1 : 0));
  const out = named.map(({ level, code }) => ({
    level,
    arms: arms.map((arm) => ({
      variant: arm.variant,
      rows: arm.rows.filter((row) => codes[row] === code),
    })),
  }));
  const namedCodes = new Set(named.map(({ code }) => code));
  const rest = arms.map((arm) => ({
    variant: arm.variant,
    rows: arm.rows.filter((row) => !namedCodes.has(codes[row] ?? 0)),
  }));
  if (rest.some((arm) => arm.rows.length > 0)) out.push({ level: OTHER_LEVEL, arms: rest });
  return { attribute: attribute.name, levels: out };
}

/**
 * The segment results and heterogeneity of one metric.
 * @param data - the metric's columns
 * @param segments - the levels of every segment attribute
 * @param control - the control's name
 * @param correction - the correction across the levels of all segments, per treatment
 * @param alpha - significance level
 * @returns the document's `segments` and `heterogeneity` of the metric
 * @example metricSegments(data, [segmentLevels(device, arms)], 'control', 'bh', 0.05)
 */
export function metricSegments(
  data: MetricData,
  segments: readonly SegmentLevels[],
  control: string,
  correction: PValueCorrection,
  alpha: number,
): { segments: SegmentLevel[]; heterogeneity: HeterogeneityResult[] } {
  const heterogeneity: HeterogeneityResult[] = [];
  const results = segments.flatMap((segment) => {
    const levels = segment.levels.map((level) => {
      const controlRows =
        level.arms.find((arm) => arm.variant === control)?.rows ?? new Uint32Array(0);
      const comparisons = level.arms
        .filter((arm) => arm.variant !== control)
        .map((arm) => ({
          variant: arm.variant,
          ...compareMetricArms(data, controlRows, arm.rows, alpha, false),
        }));
      return {
        attribute: segment.attribute,
        level: level.level,
        variants: level.arms.map((arm) => ({
          variant: arm.variant,
          users: arm.rows.length,
          mean: summarizeMetricArm(data, arm.rows, alpha).mean,
        })),
        comparisons,
      };
    });
    const treatments = levels[0]?.comparisons.map((c) => c.variant) ?? [];
    for (const variant of treatments) {
      const perLevel = levels.map((level) => level.comparisons.find((c) => c.variant === variant));
      const q = cochranHeterogeneity(
        perLevel.map((c) => c?.comparison.difference ?? null),
        perLevel.map((c) => c?.standardError ?? null),
      );
      heterogeneity.push({
        attribute: segment.attribute,
        variant,
        q: q.q,
        df: q.df,
        p_value: q.pValue,
        i_squared: q.iSquared,
      });
    }
    return levels;
  });
  const treatments = results[0]?.comparisons.map((c) => c.variant) ?? [];
  const adjusted = new Map(
    treatments.map((variant) => [
      variant,
      adjustPValues(
        results.map(
          (level) =>
            level.comparisons.find((c) => c.variant === variant)?.comparison.p_value ?? null,
        ),
        correction,
      ),
    ]),
  );
  return {
    segments: results.map((level, index) => ({
      attribute: level.attribute,
      level: level.level,
      variants: level.variants,
      comparisons: level.comparisons.map((c) => ({
        variant: c.variant,
        difference: c.comparison.difference,
        relative_lift: c.comparison.relative_lift,
        p_value: c.comparison.p_value,
        p_value_adjusted: adjusted.get(c.variant)?.[index] ?? null,
      })),
    })),
    heterogeneity,
  };
}
