/**
 * The verdict at a glance: for the primary metric (the definition's `primary_metric`, else the
 * first metric), per treatment, the relative lift with its interval, whether it is significant
 * after the Benjamini-Hochberg adjustment, and the probability of beating the control.
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

function headline(comparison, metric) {
  if (comparison.relative_lift === null) return `No lift is defined for ${metric}.`;
  if (!comparison.significant) return `No significant difference on ${metric}.`;
  return comparison.relative_lift > 0
    ? `${comparison.variant} beats ${comparison.control} on ${metric}.`
    : `${comparison.variant} does worse than ${comparison.control} on ${metric}.`;
}

function verdictCard(comparison, metric, alpha, level) {
  const tone =
    !comparison.significant || comparison.relative_lift === null
      ? 'neutral'
      : comparison.relative_lift > 0
        ? 'positive'
        : 'negative';
  const probability = comparison.bayesian?.prob_beat_control ?? null;
  return h(
    'article',
    { class: `verdict-card ${tone}`, dataset: { variant: comparison.variant } },
    h('h3', null, comparison.variant, h('span', { class: 'versus' }, ` vs ${comparison.control}`)),
    h('p', { class: 'headline' }, headline(comparison, metric.name)),
    h(
      'dl',
      { class: 'verdict-facts' },
      h('div', null, h('dt', null, `Lift (${level}% interval)`), [
        h(
          'dd',
          { class: 'big', dataset: { field: 'lift', value: comparison.relative_lift ?? '' } },
          formatLift(comparison.relative_lift),
        ),
        h('dd', null, formatInterval(comparison.relative_lift_ci, formatLift)),
      ]),
      h(
        'div',
        null,
        h('dt', null, 'Significance'),
        h(
          'dd',
          { class: 'big', dataset: { field: 'significant', value: comparison.significant } },
          comparison.significant ? 'Significant' : 'Not significant',
        ),
        h('dd', null, `adjusted p = ${formatPValue(comparison.p_value_adjusted)} (α = ${alpha})`),
      ),
      h(
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
      ),
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
      metric.comparisons.map((comparison) => verdictCard(comparison, metric, summary.alpha, level)),
    ),
  );
}
