/**
 * The executive's verdict in plain words: what won on the primary metric, by how much and how
 * sure, with an honest "no significant difference", "not enough data" or "mixed" when that is
 * the case, and one line per other metric. Pure: text only, no drawing.
 */
import type { Comparison, ExperimentResult, MetricResult } from '../result/result-document.ts';
import { formatMetricValue } from './metric-format.ts';
import { formatCount, formatProbability, formatPValue, joinWords } from './report-format.ts';
import { otherMetricLine, remainingTreatmentsSentence } from './metric-lines.ts';
import { liftPhrase, shortName } from './report-words.ts';

/** The overall direction of the verdict (it picks the headline's colour). */
export type VerdictTone = 'positive' | 'negative' | 'mixed' | 'neutral' | 'insufficient';

/** What page one says about the outcome. */
export interface Verdict {
  /** The metric the headline is about, or null when there are no metrics. */
  readonly metric: string | null;
  readonly tone: VerdictTone;
  /** A few words, e.g. `treatment won on conversion`. */
  readonly headline: string;
  /** Full sentences about the primary metric. */
  readonly sentences: readonly string[];
  /** One line per other metric. */
  readonly otherMetrics: readonly string[];
  /** One sentence per harmed guardrail and treatment; they also lead `sentences`. */
  readonly guardrails: readonly string[];
}

/** With more treatments than this, only significant ones get a sentence of their own. */
const describedInFull = 3;

/**
 * Picks the metric a report leads with: the named one when the analysis has it, else the first.
 * @param experiment - the experiment result
 * @param primaryMetric - the definition's primary metric
 * @returns the metric, or undefined when there are none
 * @example primaryMetricOf(experiment, 'conversion')?.name // 'conversion'
 */
export function primaryMetricOf(
  experiment: ExperimentResult,
  primaryMetric: string | null,
): MetricResult | undefined {
  return experiment.metrics.find((m) => m.name === primaryMetric) ?? experiment.metrics[0];
}

/**
 * Writes the verdict of an experiment. A treatment "won" when its comparison is significant
 * after the Benjamini-Hochberg adjustment and its mean is higher than the control's (higher is
 * taken as better); "lost" when significant and lower.
 * @param experiment - the experiment result
 * @param primaryMetric - the definition's primary metric (else the first metric leads)
 * @returns the headline, its sentences and a line per other metric
 * @example reportVerdict(experiment, 'conversion').headline // 'No significant difference in conversion'
 */
export function reportVerdict(experiment: ExperimentResult, primaryMetric: string | null): Verdict {
  const outcome = outcomeVerdict(experiment, primaryMetric);
  const guardrails = guardrailSentences(experiment);
  if (guardrails.length === 0) return { ...outcome, guardrails };
  const harmed = joinWords([
    ...new Set(
      experiment.metrics.filter((m) => m.guardrail?.harmed === true).map((m) => shortName(m.name)),
    ),
  ]);
  return {
    ...outcome,
    tone:
      outcome.tone === 'positive'
        ? 'mixed'
        : outcome.tone === 'neutral'
          ? 'negative'
          : outcome.tone,
    headline: `Guardrail harmed (${harmed}). ${outcome.headline}`,
    sentences: [...guardrails, ...outcome.sentences],
    guardrails,
  };
}

/**
 * A sentence per treatment that harmed a guardrail: its change went the bad way and is
 * significant after the family's adjustment.
 * @param experiment - the experiment result
 * @returns the sentences, in metric and treatment order
 * @example guardrailSentences(experiment)[0] // 'Guardrail harmed: treatment raised refunds ...'
 */
export function guardrailSentences(experiment: ExperimentResult): string[] {
  return experiment.metrics.flatMap((metric) =>
    metric.comparisons
      .filter((c) => c.guardrail_harmed === true)
      .map(
        (c) =>
          `Guardrail harmed: ${shortName(c.variant)} ${(c.difference ?? 0) > 0 ? 'raised' : 'lowered'} ` +
          `${shortName(metric.name)} (${liftPhrase(metric, c, experiment.alpha)}; adjusted p-value ` +
          `${formatPValue(c.p_value_adjusted)}), the direction this guardrail forbids.`,
      ),
  );
}

function outcomeVerdict(
  experiment: ExperimentResult,
  primaryMetric: string | null,
): Omit<Verdict, 'guardrails'> {
  const metric = primaryMetricOf(experiment, primaryMetric);
  if (metric === undefined) {
    return {
      metric: null,
      tone: 'insufficient',
      headline: 'No metrics were analysed',
      sentences: ['The analysis holds no metrics, so there is nothing to compare.'],
      otherMetrics: [],
    };
  }
  const others = experiment.metrics.filter((m) => m !== metric);
  const otherMetrics = others.map((m) => otherMetricLine(m));
  const name = shortName(metric.name);
  const control = controlName(metric);
  const usable = metric.comparisons.filter((c) => c.p_value !== null);
  const unusable = metric.comparisons.filter((c) => c.p_value === null);

  if (usable.length === 0) {
    return {
      metric: metric.name,
      tone: 'insufficient',
      headline: `Not enough data to compare ${name}`,
      sentences: [insufficientSentence(metric, control)],
      otherMetrics,
    };
  }

  const winners = usable.filter((c) => c.significant && (c.difference ?? 0) > 0);
  const losers = usable.filter((c) => c.significant && (c.difference ?? 0) < 0);
  const described =
    usable.length <= describedInFull
      ? usable
      : usable.filter((c) => c.significant).slice(0, describedInFull);
  const sentences = described.map((c) => comparisonSentence(experiment, metric, c));
  const rest = usable.filter((c) => !described.includes(c));
  if (rest.length > 0) sentences.push(remainingTreatmentsSentence(metric, rest, usable.length));
  for (const c of unusable) {
    const users = metric.variants.find((v) => v.variant === c.variant)?.users ?? 0;
    sentences.push(`${shortName(c.variant)} cannot be compared (${formatCount(users)} users).`);
  }

  const tradeOffs = [...winners, ...losers].flatMap((c) =>
    tradeOffSentences(experiment, metric, c),
  );
  sentences.push(...tradeOffs);

  let tone: VerdictTone;
  let headline: string;
  const names = (list: readonly Comparison[]): string =>
    joinWords(list.map((c) => shortName(c.variant)));
  if (winners.length > 0 && losers.length > 0) {
    tone = 'mixed';
    headline = `Mixed result on ${name}: ${names(winners)} raised it, ${names(losers)} lowered it`;
  } else if (winners.length > 0) {
    tone = tradeOffs.length > 0 ? 'mixed' : 'positive';
    headline = `${winners.length === 1 ? 'Winner' : 'Winners'} on ${name}: ${names(winners)} beat ${shortName(control)}`;
  } else if (losers.length > 0) {
    tone = tradeOffs.length > 0 ? 'mixed' : 'negative';
    headline = `Loss on ${name}: ${names(losers)} did worse than ${shortName(control)}`;
  } else {
    tone = 'neutral';
    headline = `No significant difference in ${name}`;
  }
  if (tradeOffs.length > 0) headline += ', with a trade-off on another metric';
  return { metric: metric.name, tone, headline, sentences, otherMetrics };
}

function controlName(metric: MetricResult): string {
  return (
    metric.comparisons[0]?.control ??
    metric.variants.find((v) => v.is_control)?.variant ??
    'control'
  );
}

function meanOf(metric: MetricResult, variant: string): number | null {
  return metric.variants.find((v) => v.variant === variant)?.mean ?? null;
}

function comparisonSentence(
  experiment: ExperimentResult,
  metric: MetricResult,
  c: Comparison,
): string {
  const treatment = shortName(c.variant);
  const control = shortName(c.control);
  const from = formatMetricValue(metric.type, meanOf(metric, c.control));
  const to = formatMetricValue(metric.type, meanOf(metric, c.variant));
  const lift = liftPhrase(metric, c, experiment.alpha);
  const p = formatPValue(c.p_value_adjusted);
  const bayes =
    c.bayesian === null
      ? ''
      : `; probability ${treatment} beats ${control}: ${formatProbability(c.bayesian.prob_beat_control)}`;
  const name = shortName(metric.name);
  if (c.significant) {
    const verb = (c.difference ?? 0) >= 0 ? 'raised' : 'lowered';
    return (
      `The ${treatment} variant ${verb} ${name} from ${from} to ${to} (${lift}). ` +
      `The difference is statistically significant (adjusted p-value ${p})${bayes}.`
    );
  }
  return (
    `With ${treatment}, ${name} was ${to} against ${from} with ${control} (${lift}). ` +
    `The difference is not statistically significant (adjusted p-value ${p}), so it may be ` +
    `chance${bayes}.`
  );
}

function insufficientSentence(metric: MetricResult, control: string): string {
  if (metric.comparisons.length === 0) {
    return `Only ${shortName(control)} has data for ${shortName(metric.name)}, so there is nothing to compare it with.`;
  }
  const counts = metric.variants.map((v) => `${shortName(v.variant)} ${formatCount(v.users)}`);
  return (
    `There is not enough data to compare ${shortName(metric.name)} between the variants ` +
    `(users: ${counts.join(', ')}); no test could be computed.`
  );
}

/** Significant results on other metrics that go against the primary metric's direction. */
function tradeOffSentences(
  experiment: ExperimentResult,
  primary: MetricResult,
  c: Comparison,
): string[] {
  const up = (c.difference ?? 0) > 0;
  const out: string[] = [];
  for (const metric of experiment.metrics) {
    if (metric === primary) continue;
    const other = metric.comparisons.find((o) => o.variant === c.variant);
    if (other === undefined || !other.significant || other.difference === null) continue;
    if (other.difference > 0 === up) continue;
    out.push(
      `Mixed outcome: ${shortName(c.variant)} also ${up ? 'lowered' : 'raised'} ` +
        `${shortName(metric.name)} significantly (${liftPhrase(metric, other, experiment.alpha)}; ` +
        `adjusted p-value ${formatPValue(other.p_value_adjusted)}).`,
    );
  }
  return out;
}
