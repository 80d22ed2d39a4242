/**
 * The sequential test of the primary metric: each treatment's decision (`ship`, `stop: harm`,
 * `stop: futile`, `keep running`) with its reason, the confidence sequence and always-valid
 * p-value, a line on power (planned users, the MDE the current sample detects, the days left),
 * and a chart of the relative lift day by day inside its confidence sequence, the band
 * narrowing as the days add up (from the result document's `by_day`).
 */
import { h, svgNode } from './dom.js';
import { formatCount, formatLift, formatNumber, formatPValue } from './format.js';

const width = 640;
const height = 200;
const left = 56;
const right = width - 12;
const top = 10;
const bottom = height - 28;

function powerLine(planning) {
  if (planning === undefined || planning === null) return null;
  const source =
    planning.planned_users_source === 'definition'
      ? 'set in the definition'
      : planning.planned_users_source === 'power'
        ? `for a ${formatLift(planning.mde).replace('+', '')} change at ${Math.round(planning.power * 100)}% power`
        : 'the users so far';
  const days =
    planning.days_left === null
      ? ''
      : planning.days_left === 0
        ? ' The planned sample is reached.'
        : ` ${formatCount(planning.days_left)} days left at ${formatCount(Math.round(planning.daily_users))} users a day.`;
  return h(
    'p',
    { class: 'power-line', dataset: { field: 'power-line' } },
    `Planned: ${formatCount(planning.planned_users)} users (${source}); analysed: ${formatCount(planning.users)}. ` +
      `The current sample detects a ${planning.current_mde === null ? 'n/a' : formatLift(planning.current_mde).replace('+', '')} relative change.${days}`,
  );
}

/**
 * The chart of one treatment: its relative lift by day inside the relative confidence sequence.
 * @param {object[]} rows - `by_day` rows of one metric and treatment, in date order
 * @returns {SVGElement | null} the chart, or null without a lift
 */
export function sequenceChart(rows) {
  const points = rows
    .map((row) => {
      const scale = row.control_mean !== null && row.control_mean > 0 ? row.control_mean : null;
      return {
        date: row.date,
        lift: row.relative_lift,
        low: scale === null || row.sequential_ci[0] === null ? null : row.sequential_ci[0] / scale,
        high: scale === null || row.sequential_ci[1] === null ? null : row.sequential_ci[1] / scale,
      };
    })
    .filter((p) => p.lift !== null);
  if (points.length === 0) return null;
  const later = points.slice(Math.floor(points.length / 2));
  const values = [0, ...points.map((p) => p.lift), ...later.flatMap((p) => [p.low, p.high])].filter(
    (v) => v !== null,
  );
  const min = Math.min(...values);
  const max = Math.max(...values);
  const pad = (max - min || 1) * 0.05;
  const y = (v) =>
    bottom -
    ((Math.min(Math.max(v, min - pad), max + pad) - (min - pad)) / (max - min + 2 * pad)) *
      (bottom - top);
  const x = (i) =>
    points.length === 1 ? (left + right) / 2 : left + (i / (points.length - 1)) * (right - left);
  const banded = points
    .map((p, i) => ({ ...p, i }))
    .filter((p) => p.low !== null && p.high !== null);
  const band = [
    ...banded.map((p) => `${x(p.i)},${y(p.high)}`),
    ...banded.reverse().map((p) => `${x(p.i)},${y(p.low)}`),
  ].join(' ');
  return svgNode(
    'svg',
    {
      class: 'sequence-chart',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `Relative lift by day inside its confidence sequence, ${points[0].date} to ${points.at(-1).date}`,
    },
    svgNode('polygon', { class: 'band', points: band }),
    svgNode('line', { class: 'zero', x1: left, x2: right, y1: y(0), y2: y(0) }),
    svgNode('polyline', {
      class: 'lift',
      points: points.map((p, i) => `${x(i)},${y(p.lift)}`).join(' '),
    }),
    svgNode('text', { x: left - 6, y: y(0) + 4, 'text-anchor': 'end' }, '0%'),
    svgNode('text', { x: left, y: height - 8 }, points[0].date),
    svgNode('text', { x: right, y: height - 8, 'text-anchor': 'end' }, points.at(-1).date),
  );
}

/**
 * The sequential section.
 * @param {object} summary - the result document's experiment object
 * @param {object | undefined} metric - the primary metric
 * @returns {HTMLElement | null} the section, or null for an analysis without the sequential fields
 */
export function sequentialSection(summary, metric) {
  if (metric === undefined || !metric.comparisons.some((c) => c.decision)) return null;
  const level = Math.round((1 - summary.alpha) * 100);
  return h(
    'section',
    { class: 'sequential', 'aria-labelledby': 'sequential-heading' },
    h('h2', { id: 'sequential-heading' }, 'Safe to look every day'),
    h(
      'p',
      { class: 'lede' },
      `Each analysis is a look. The ${level}% confidence sequence of ${metric.name} stays valid however often it is looked at; decide as soon as it leaves 0.`,
    ),
    powerLine(summary.planning),
    metric.comparisons.map((comparison) => {
      const sequential = comparison.sequential;
      const rows = (summary.by_day ?? []).filter(
        (row) => row.metric === metric.name && row.variant === comparison.variant,
      );
      return h(
        'article',
        { class: 'decision', dataset: { variant: comparison.variant } },
        h(
          'h3',
          null,
          comparison.variant,
          ': ',
          h(
            'span',
            { dataset: { field: 'decision', value: comparison.decision?.action ?? '' } },
            comparison.decision?.action ?? 'n/a',
          ),
        ),
        h('p', null, comparison.decision?.reason ?? ''),
        sequential === undefined
          ? null
          : h(
              'p',
              { class: 'sequence-facts' },
              `Confidence sequence [${formatNumber(sequential.ci[0])}, ${formatNumber(sequential.ci[1])}]; always-valid p = ${formatPValue(sequential.p_value)} after ${formatCount(sequential.looks)} look${sequential.looks === 1 ? '' : 's'}.`,
            ),
        sequenceChart(rows),
      );
    }),
  );
}
