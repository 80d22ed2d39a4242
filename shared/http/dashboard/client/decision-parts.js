/**
 * The decision parts of a metric on the dashboard, below its table: a guardrail's state, the
 * winsorizing caps, CUPED beside the plain estimate, the revenue decomposition and the segments
 * with their heterogeneity; and the multi-arm allocation of the experiment. Each is shown only
 * when the analysis has it.
 */
import { h, table } from './dom.js';
import {
  formatCount,
  formatDifference,
  formatInterval,
  formatLift,
  formatPValue,
  formatProbability,
} from './format.js';

/**
 * The guardrail banners of an analysis: one per harmed guardrail and treatment.
 * @param {object} summary - the result document's experiment object
 * @returns {HTMLElement | null} the banners, or null when no guardrail is harmed
 */
export function guardrailBanner(summary) {
  const harmed = summary.metrics.flatMap((metric) =>
    (metric.comparisons ?? [])
      .filter((c) => c.guardrail_harmed === true)
      .map((c) =>
        h(
          'p',
          { class: 'guardrail-harmed', dataset: { metric: metric.name, variant: c.variant } },
          `Guardrail harmed: ${c.variant} ${(c.difference ?? 0) > 0 ? 'raised' : 'lowered'} ${metric.name} (${formatLift(c.relative_lift)}, adjusted p = ${formatPValue(c.p_value_adjusted)}).`,
        ),
      ),
  );
  return harmed.length === 0 ? null : h('div', { class: 'guardrails', role: 'alert' }, harmed);
}

function cupedTable(metric, level) {
  const rows = metric.comparisons
    .filter((c) => c.cuped)
    .map((c) =>
      h(
        'tr',
        { dataset: { variant: c.variant } },
        h('th', { scope: 'row' }, c.variant),
        h(
          'td',
          { class: 'num' },
          `${formatDifference(c.difference, metric.type)} ${formatInterval(c.difference_ci, (v) => formatDifference(v, metric.type))}`,
        ),
        h(
          'td',
          { class: 'num', dataset: { field: 'cuped-difference', value: c.cuped.difference ?? '' } },
          `${formatDifference(c.cuped.difference, metric.type)} ${formatInterval(c.cuped.difference_ci, (v) => formatDifference(v, metric.type))}`,
        ),
        h('td', { class: 'num' }, formatPValue(c.cuped.p_value)),
        h('td', { class: 'num' }, formatProbability(c.cuped.variance_reduction)),
      ),
    );
  if (rows.length === 0) return null;
  return table(
    `${metric.name}: CUPED beside the plain estimate (not in the adjusted family)`,
    [
      'Treatment',
      `Plain difference [${level}% CI]`,
      `CUPED difference [${level}% CI]`,
      'CUPED p',
      'Variance removed',
    ],
    rows,
    { class: 'cuped-table' },
  );
}

function decompositionTable(metric, level) {
  if (!metric.decomposition || metric.decomposition.length === 0) return null;
  const cell = (part) =>
    h(
      'td',
      { class: 'num' },
      `${formatLift(part.relative_lift)} ${formatInterval(part.relative_lift_ci, formatLift)}`,
    );
  return table(
    `${metric.name} = conversion rate x revenue per buyer: relative lifts [${level}% CI]`,
    ['Treatment', 'Revenue per user', 'Conversion rate', 'Revenue per buyer'],
    metric.decomposition.map((d) =>
      h(
        'tr',
        null,
        h('th', { scope: 'row' }, d.variant),
        cell(d.revenue_per_user),
        cell(d.conversion_rate),
        cell(d.revenue_per_buyer),
      ),
    ),
    { class: 'decomposition-table' },
  );
}

function segmentsTable(metric) {
  if (!metric.segments || metric.segments.length === 0) return null;
  const control = metric.variants.find((v) => v.is_control)?.variant;
  const rows = metric.segments.flatMap((segment) =>
    segment.comparisons.map((c) =>
      h(
        'tr',
        { dataset: { attribute: segment.attribute, level: segment.level, variant: c.variant } },
        h('th', { scope: 'row' }, `${segment.attribute} = ${segment.level}`),
        h('td', null, c.variant),
        h(
          'td',
          { class: 'num' },
          `${formatCount(segment.variants.find((v) => v.variant === control)?.users ?? 0)} / ${formatCount(segment.variants.find((v) => v.variant === c.variant)?.users ?? 0)}`,
        ),
        h('td', { class: 'num' }, formatDifference(c.difference, metric.type)),
        h('td', { class: 'num' }, formatLift(c.relative_lift)),
        h('td', { class: 'num' }, formatPValue(c.p_value_adjusted)),
      ),
    ),
  );
  const heterogeneity = (metric.heterogeneity ?? []).map(
    (q) =>
      `${q.attribute}, ${q.variant}: Q = ${q.q === null ? 'n/a' : q.q.toPrecision(3)} (df ${q.df}, p = ${formatPValue(q.p_value)})`,
  );
  return [
    table(
      `${metric.name} by segment (levels under 30 users in an arm pooled into "other")`,
      ['Segment', 'Treatment', 'Users (control / treatment)', 'Difference', 'Lift', 'Adjusted p'],
      rows,
      { class: 'segments-table' },
    ),
    h('p', { class: 'note' }, `Heterogeneity (Cochran's Q): ${heterogeneity.join('; ')}`),
  ];
}

/**
 * The decision parts of one metric.
 * @param {object} metric - the metric of the result document
 * @param {number} level - the confidence level in percent
 * @returns {HTMLElement[]} the parts present
 */
export function decisionParts(metric, level) {
  const notes = [];
  if (metric.guardrail) {
    notes.push(
      h(
        'p',
        {
          class: metric.guardrail.harmed ? 'note guardrail-harmed' : 'note',
          dataset: { field: 'guardrail' },
        },
        `Guardrail (harm is ${metric.guardrail.bad === 'increase' ? 'an increase' : 'a decrease'}): ${metric.guardrail.harmed ? 'harmed' : 'not harmed'}.`,
      ),
    );
  }
  if (metric.winsorize) {
    notes.push(
      h(
        'p',
        { class: 'note' },
        `Winsorized at percentiles ${metric.winsorize.lower} and ${metric.winsorize.upper} of all users: caps ${metric.winsorize.lower_cap} and ${metric.winsorize.upper_cap}.`,
      ),
    );
  }
  return [
    ...notes,
    cupedTable(metric, level),
    decompositionTable(metric, level),
    segmentsTable(metric),
  ]
    .flat()
    .filter((part) => part !== null);
}

/**
 * The multi-arm allocation: each arm's probability of being best and the recommended weights.
 * @param {object} summary - the result document's experiment object
 * @returns {HTMLElement | null} the section, or null without one
 */
export function allocationSection(summary) {
  const allocation = summary.allocation;
  if (!allocation) return null;
  return h(
    'section',
    { class: 'allocation', 'aria-labelledby': 'allocation-heading' },
    h('h2', { id: 'allocation-heading' }, `Which arm is best: ${allocation.metric}`),
    table(
      'Probability of being best and the Thompson-sampling weights recommended for new traffic',
      ['Variant', 'P(best)', 'Recommended weight'],
      allocation.arms.map((arm) =>
        h(
          'tr',
          { dataset: { variant: arm.variant } },
          h('th', { scope: 'row' }, arm.variant),
          h('td', { class: 'num' }, formatProbability(arm.probability_best)),
          h('td', { class: 'num' }, formatProbability(arm.weight)),
        ),
      ),
      { class: 'allocation-table' },
    ),
    h('p', { class: 'note' }, `Every arm keeps at least ${allocation.floor * 100}% of traffic.`),
  );
}
