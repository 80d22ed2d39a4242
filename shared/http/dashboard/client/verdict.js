/**
 * The verdict at a glance: for the primary metric (the definition's `primary_metric`, else the
 * first metric), per treatment, the relative lift with its interval, whether it is significant
 * after the Benjamini-Hochberg adjustment, and the probability of beating the control. The
 * definition's `algorithm: {type: bayesian}` makes the probability lead: the headline, the
 * colour and the first fact.
 */
import { h } from './dom.js';
import { formatInterval, formatLift, formatPValue, formatProbability } from './format.js';

/**
 * The primary metric of an analysis.
 * @param {object} summary - the result document's experiment object
 * @param {object | null} definition - the experiment's definition
 * @returns {object | undefined} the metric
 */
export function primaryMetric(summary, definition) {
  const named = definition?.primary_metric;
  return summary.metrics.find((metric) => metric.name === named) ?? summary.metrics[0];
}

/** The P(beats control) at which the Bayesian verdict calls a treatment better (1 - it: worse). */
export const bayesianCall = 0.95;

/**
 * What leads a verdict card: the frequentist test (the default) or, when the definition's
 * `algorithm` is `bayesian` and the comparison has a posterior, P(beats control).
 * @param {object} comparison - one comparison of the result document
 * @param {string} metric - the metric's name
 * @param {object | null} definition - the experiment's definition
 * @returns {{ by: 'frequentist' | 'bayesian', tone: string, headline: string }} the lead
 */
export function verdictLead(comparison, metric, definition) {
  const { variant, control } = comparison;
  const probability = comparison.bayesian?.prob_beat_control ?? null;
  if (definition?.algorithm?.type === 'bayesian' && probability !== null) {
    const odds = `P(beats control) = ${formatProbability(probability)}`;
    if (probability >= bayesianCall) {
      return {
        by: 'bayesian',
        tone: 'positive',
        headline: `${variant} beats ${control} on ${metric}: ${odds}.`,
      };
    }
    if (probability <= 1 - bayesianCall) {
      return {
        by: 'bayesian',
        tone: 'negative',
        headline: `${variant} does worse than ${control} on ${metric}: ${odds}.`,
      };
    }
    return { by: 'bayesian', tone: 'neutral', headline: `No clear winner on ${metric}: ${odds}.` };
  }
  if (comparison.relative_lift === null) {
    return { by: 'frequentist', tone: 'neutral', headline: `No lift is defined for ${metric}.` };
  }
  if (!comparison.significant) {
    return {
      by: 'frequentist',
      tone: 'neutral',
      headline: `No significant difference on ${metric}.`,
    };
  }
  return comparison.relative_lift > 0
    ? {
        by: 'frequentist',
        tone: 'positive',
        headline: `${variant} beats ${control} on ${metric}.`,
      }
    : {
        by: 'frequentist',
        tone: 'negative',
        headline: `${variant} does worse than ${control} on ${metric}.`,
      };
}

function verdictCard(comparison, metric, alpha, level, definition) {
  const lead = verdictLead(comparison, metric.name, definition);
  const probability = comparison.bayesian?.prob_beat_control ?? null;
  const lift = h('div', null, h('dt', null, `Lift (${level}% interval)`), [
    h(
      'dd',
      { class: 'big', dataset: { field: 'lift', value: comparison.relative_lift ?? '' } },
      formatLift(comparison.relative_lift),
    ),
    h('dd', null, formatInterval(comparison.relative_lift_ci, formatLift)),
  ]);
  const significance = h(
    'div',
    null,
    h('dt', null, 'Significance'),
    h(
      'dd',
      { class: 'big', dataset: { field: 'significant', value: comparison.significant } },
      comparison.significant ? 'Significant' : 'Not significant',
    ),
    h('dd', null, `adjusted p = ${formatPValue(comparison.p_value_adjusted)} (α = ${alpha})`),
  );
  const beats = h(
    'div',
    null,
    h('dt', null, 'P(beats control)'),
    h(
      'dd',
      { class: 'big', dataset: { field: 'prob-beat', value: probability ?? '' } },
      formatProbability(probability),
    ),
    h(
      'dd',
      null,
      probability === null
        ? 'not available'
        : metric.type === 'binomial'
          ? 'Bayesian'
          : 'normal approximation',
    ),
  );
  return h(
    'article',
    {
      class: `verdict-card ${lead.tone}`,
      dataset: { variant: comparison.variant, lead: lead.by },
    },
    h('h3', null, comparison.variant, h('span', { class: 'versus' }, ` vs ${comparison.control}`)),
    h('p', { class: 'headline' }, lead.headline),
    h(
      'dl',
      { class: 'verdict-facts' },
      lead.by === 'bayesian' ? [beats, lift, significance] : [lift, significance, beats],
    ),
  );
}

/**
 * The verdict section.
 * @param {object} summary - the result document's experiment object
 * @param {object | null} definition - the experiment's definition
 * @returns {HTMLElement} the section
 */
export function verdictSection(summary, definition) {
  const metric = primaryMetric(summary, definition);
  const level = Math.round((1 - summary.alpha) * 100);
  const heading = h('h2', { id: 'verdict-heading' }, 'Verdict');
  if (metric === undefined || metric.comparisons.length === 0) {
    return h(
      'section',
      { class: 'verdict', 'aria-labelledby': 'verdict-heading' },
      heading,
      h('p', null, 'No comparison to show: the analysis has no treatment.'),
    );
  }
  return h(
    'section',
    { class: 'verdict', 'aria-labelledby': 'verdict-heading' },
    heading,
    h('p', { class: 'lede' }, 'Primary metric: ', h('strong', null, metric.name)),
    h(
      'div',
      { class: 'verdict-cards' },
      metric.comparisons.map((comparison) =>
        verdictCard(comparison, metric, summary.alpha, level, definition),
      ),
    ),
  );
}
