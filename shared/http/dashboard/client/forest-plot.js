/**
 * The forest plot of a metric: per treatment, its relative lift against the control as a
 * point and its interval as a line, around a dashed line at no change. Drawn as inline SVG
 * (no library); the values are also written beside each row and in the plot's description,
 * so the plot is readable without seeing it.
 */
import { svgNode } from './dom.js';
import { forestScale, tickLabel } from './forest-scale.js';
import { formatInterval, formatLift } from './format.js';

const width = 760;
const labelRight = 184;
const plotLeft = 196;
const plotRight = 540;
const valueLeft = 556;
const rowHeight = 34;
const top = 10;
const axisHeight = 34;
let plotCount = 0;

function shortLabel(name) {
  return name.length > 22 ? `${name.slice(0, 21)}\u2026` : name;
}

/**
 * The plot of one metric's comparisons.
 * @param {string} metric - the metric's name
 * @param {readonly object[]} comparisons - the metric's comparisons (result document)
 * @param {number} level - the interval's level in percent (95)
 * @returns {SVGSVGElement} the plot
 */
export function forestPlot(metric, comparisons, level) {
  plotCount += 1;
  const titleId = `forest-title-${plotCount}`;
  const descId = `forest-desc-${plotCount}`;
  const { min, max, step, ticks } = forestScale(comparisons);
  const x = (value) => plotLeft + ((value - min) / (max - min)) * (plotRight - plotLeft);
  const plotBottom = top + rowHeight * comparisons.length;
  const height = plotBottom + axisHeight;
  const describe = (c) =>
    `${c.variant}: ${formatLift(c.relative_lift)} ${formatInterval(c.relative_lift_ci, formatLift)}`;

  const axis = svgNode(
    'g',
    { class: 'axis' },
    svgNode('line', { x1: plotLeft, x2: plotRight, y1: plotBottom, y2: plotBottom }),
    ticks.map((tick) =>
      svgNode(
        'g',
        { class: 'tick' },
        svgNode('line', { x1: x(tick), x2: x(tick), y1: plotBottom, y2: plotBottom + 5 }),
        svgNode(
          'text',
          { x: x(tick), y: plotBottom + 19, 'text-anchor': 'middle' },
          tickLabel(tick, step),
        ),
      ),
    ),
  );
  const rows = comparisons.map((comparison, index) => {
    const y = top + rowHeight * index + rowHeight / 2;
    const [low, high] = comparison.relative_lift_ci;
    const lift = comparison.relative_lift;
    const hasLift = typeof lift === 'number';
    const hasInterval = typeof low === 'number' && typeof high === 'number';
    return svgNode(
      'g',
      {
        class: `forest-mark ${comparison.significant ? 'significant' : 'not-significant'}`,
        dataset: { variant: comparison.variant, lift: lift ?? '' },
      },
      svgNode('title', null, describe(comparison)),
      svgNode(
        'text',
        { class: 'label', x: labelRight, y: y + 4, 'text-anchor': 'end' },
        shortLabel(comparison.variant),
      ),
      hasInterval && [
        svgNode('line', { class: 'ci', x1: x(low), x2: x(high), y1: y, y2: y }),
        svgNode('line', { class: 'ci', x1: x(low), x2: x(low), y1: y - 6, y2: y + 6 }),
        svgNode('line', { class: 'ci', x1: x(high), x2: x(high), y1: y - 6, y2: y + 6 }),
      ],
      hasLift && svgNode('circle', { class: 'point', cx: x(lift), cy: y, r: 6 }),
      svgNode(
        'text',
        { class: 'value', x: valueLeft, y: y + 4 },
        hasLift
          ? `${formatLift(lift)} ${formatInterval(comparison.relative_lift_ci, formatLift)}`
          : 'lift not defined (control mean is 0)',
      ),
    );
  });
  return svgNode(
    'svg',
    {
      class: 'forest',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
      dataset: { metric },
    },
    svgNode(
      'title',
      { id: titleId },
      `Relative lift of ${metric} against the control, with ${level}% intervals`,
    ),
    svgNode('desc', { id: descId }, comparisons.map(describe).join('; ')),
    axis,
    svgNode('line', { class: 'zero', x1: x(0), x2: x(0), y1: top - 4, y2: plotBottom }),
    rows,
  );
}
