/**
 * Short lines about many comparisons at once, for page one: a metric other than the primary in
 * one line, and the treatments that get no sentence of their own summarised in one sentence.
 */
import type { Comparison, MetricResult } from '../result/result-document.ts';
import { formatPercent, formatPValue } from './report-format.ts';
import { shortName } from './report-words.ts';

/** With more comparisons than this, a line lists only the significant ones by name. */
const listedInFull = 3;

function range(values: readonly (number | null)[], format: (x: number) => string): string {
  const finite = values.filter((v): v is number => v !== null);
  if (finite.length === 0) return 'n/a';
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  return low === high ? format(low) : `${format(low)} to ${format(high)}`;
}

function comparisonPhrase(c: Comparison): string {
  if (c.p_value === null) return `${shortName(c.variant)} not enough data`;
  const lift = c.relative_lift === null ? 'lift n/a' : formatPercent(c.relative_lift, true);
  const verdict = c.significant ? 'significant' : 'not significant';
  return `${shortName(c.variant)} ${lift} (${verdict}, adjusted p-value ${formatPValue(c.p_value_adjusted)})`;
}

/**
 * One line about a metric other than the primary one.
 * @param metric - the metric
 * @returns e.g. `revenue: treatment +6.0% (not significant, adjusted p-value 0.731).`
 * @example otherMetricLine(experiment.metrics[1])
 */
export function otherMetricLine(metric: MetricResult): string {
  const name = shortName(metric.name);
  if (metric.comparisons.length === 0) return `${name}: nothing to compare.`;
  if (metric.comparisons.length <= listedInFull) {
    return `${name}: ${metric.comparisons.map(comparisonPhrase).join('; ')}.`;
  }
  const significant = metric.comparisons.filter((c) => c.significant);
  const others = metric.comparisons.filter((c) => !c.significant);
  const parts = significant.slice(0, listedInFull).map(comparisonPhrase);
  if (significant.length > listedInFull) {
    parts.push(`${significant.length - listedInFull} more significant`);
  }
  if (others.length > 0) {
    const lifts = range(
      others.map((c) => c.relative_lift),
      (x) => formatPercent(x, true),
    );
    parts.push(
      `${significant.length === 0 ? `none of the ${others.length} treatments` : `the other ${others.length}`} significant (lifts ${lifts})`,
    );
  }
  return `${name}: ${parts.join('; ')}.`;
}

/**
 * One sentence about the treatments the verdict does not describe one by one.
 * @param metric - the primary metric
 * @param rest - the comparisons not described (all with a p-value)
 * @param total - how many comparisons have a p-value
 * @returns the sentence
 * @example remainingTreatmentsSentence(metric, rest, 11)
 */
export function remainingTreatmentsSentence(
  metric: MetricResult,
  rest: readonly Comparison[],
  total: number,
): string {
  const significant = rest.filter((c) => c.significant);
  const others = rest.filter((c) => !c.significant);
  const out: string[] = [];
  if (significant.length > 0) {
    out.push(`${significant.length} more treatments differ significantly; see the tables below.`);
  }
  if (others.length > 0) {
    const control = shortName(others[0]?.control ?? 'control');
    const subject =
      others.length === total
        ? `None of the ${total} treatments differs`
        : `The other ${others.length} treatments do not differ`;
    const lifts = range(
      others.map((c) => c.relative_lift),
      (x) => formatPercent(x, true),
    );
    const pValues = range(
      others.map((c) => c.p_value_adjusted),
      formatPValue,
    );
    const best = others.reduce((a, b) =>
      (b.relative_lift ?? -Infinity) > (a.relative_lift ?? -Infinity) ? b : a,
    );
    out.push(
      `${subject} significantly from ${control} in ${shortName(metric.name)} ` +
        `(lifts ${lifts}, adjusted p-values ${pValues}); the largest observed lift, ` +
        `${shortName(best.variant)} ${formatPercent(best.relative_lift, true)}, may be chance.`,
    );
  }
  return out.join(' ');
}
