/**
 * One metric of an analysis: a table of its variants (users, mean with interval) and of each
 * treatment's comparison with the control (difference and relative lift with intervals,
 * p-value raw and Benjamini-Hochberg adjusted, probability of beating the control, the test),
 * and the forest plot of the relative lifts.
 */
import { decisionParts } from './decision-parts.js';
import { h, numberCell, table } from './dom.js';
import { forestPlot } from './forest-plot.js';
import {
  formatCount,
  formatDifference,
  formatInterval,
  formatLift,
  formatMean,
  formatPValue,
  formatProbability,
  missing,
} from './format.js';

const testNames = {
  chi_square: 'Chi-square',
  fisher_exact: 'Fisher exact',
  welch_t: 'Welch t',
  delta_method_z: 'Delta-method z',
};

function withInterval(main, interval) {
  return [h('span', { class: 'value' }, main), h('span', { class: 'ci' }, interval)];
}

function variantCells(variant, type) {
  const meanText = formatMean(variant.mean, type);
  const interval = formatInterval([variant.ci_low, variant.ci_high], (v) => formatMean(v, type));
  return [
    h(
      'th',
      { scope: 'row', class: 'variant' },
      variant.variant,
      variant.is_control ? h('span', { class: 'badge' }, 'control') : null,
    ),
    numberCell(formatCount(variant.users), variant.users, 'users'),
    h(
      'td',
      { class: 'num', dataset: { field: 'mean', value: variant.mean ?? '' } },
      withInterval(meanText, interval),
    ),
  ];
}

function comparisonCells(comparison, type) {
  if (comparison === undefined) {
    return [missing, missing, missing, missing, missing, missing].map((text) =>
      h('td', { class: 'num muted' }, text),
    );
  }
  const test = testNames[comparison.test] ?? missing;
  const mannWhitney = comparison.mann_whitney;
  return [
    h(
      'td',
      { class: 'num', dataset: { field: 'difference', value: comparison.difference ?? '' } },
      withInterval(
        formatDifference(comparison.difference, type),
        formatInterval(comparison.difference_ci, (v) => formatDifference(v, type)),
      ),
    ),
    h(
      'td',
      { class: 'num', dataset: { field: 'lift', value: comparison.relative_lift ?? '' } },
      withInterval(
        formatLift(comparison.relative_lift),
        formatInterval(comparison.relative_lift_ci, formatLift),
      ),
    ),
    numberCell(formatPValue(comparison.p_value), comparison.p_value, 'p-value'),
    h(
      'td',
      {
        class: 'num',
        dataset: { field: 'p-adjusted', value: comparison.p_value_adjusted ?? '' },
      },
      h('span', { class: 'value' }, formatPValue(comparison.p_value_adjusted)),
      comparison.significant ? h('span', { class: 'badge significant' }, 'significant') : null,
    ),
    numberCell(
      formatProbability(comparison.bayesian?.prob_beat_control ?? null),
      comparison.bayesian?.prob_beat_control ?? null,
      'prob-beat',
    ),
    h(
      'td',
      { class: 'test' },
      test,
      mannWhitney === null
        ? null
        : h('span', { class: 'ci' }, `Mann-Whitney p = ${formatPValue(mannWhitney.p_value)}`),
    ),
  ];
}

/**
 * The section of one metric.
 * @param {object} metric - the metric of the result document
 * @param {number} alpha - the analysis's alpha
 * @returns {HTMLElement} the section
 */
export function metricSection(metric, alpha) {
  const level = Math.round((1 - alpha) * 100);
  const id = `metric-${metric.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const controlFirst = [...metric.variants].sort(
    (a, b) => Number(b.is_control) - Number(a.is_control),
  );
  const rows = controlFirst.map((variant) => {
    const comparison = metric.comparisons.find((c) => c.variant === variant.variant);
    return h(
      'tr',
      { dataset: { variant: variant.variant } },
      variantCells(variant, metric.type),
      comparisonCells(variant.is_control ? undefined : comparison, metric.type),
    );
  });
  const headers = [
    'Variant',
    'Users',
    `Mean [${level}% CI]`,
    `Difference [${level}% CI]`,
    `Lift [${level}% CI]`,
    'p-value',
    'Adjusted p',
    'P(beats control)',
    'Test',
  ];
  const kind =
    metric.type === 'binomial'
      ? 'conversion rate'
      : metric.type === 'ratio'
        ? 'ratio of sums'
        : 'mean per user';
  const caption = `${metric.name} (${kind}): variants and comparisons with the control`;
  const metricTable = table(caption, headers, rows, {
    class: 'metric-table',
    dataset: { metric: metric.name },
  });
  return h(
    'section',
    { class: 'metric', id, 'aria-labelledby': `${id}-heading`, dataset: { metric: metric.name } },
    h('h3', { id: `${id}-heading` }, metric.name, h('span', { class: 'type' }, ` ${metric.type}`)),
    metricTable,
    decisionParts(metric, level),
    metric.comparisons.length === 0
      ? h('p', null, 'No treatment to compare.')
      : h(
          'figure',
          { class: 'forest-figure' },
          forestPlot(metric.name, metric.comparisons, level),
          h(
            'figcaption',
            null,
            `Relative lift against the control with ${level}% intervals; filled points are significant after the adjustment.`,
          ),
        ),
  );
}
