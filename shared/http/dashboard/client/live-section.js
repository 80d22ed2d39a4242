/**
 * The live part of an experiment's page, updated by the stream: its open alerts, the streaming
 * posterior of the latest tick (a table and the Beta curves of every variant) and the events per
 * hour of the time-window rollups.
 */
import { apiJson, segment } from './api.js';
import { h, numberCell, svgNode, table } from './dom.js';
import { formatCount, formatPercent, formatTime } from './format.js';

const palette = ['#2f5fa8', '#c2562b', '#1f7a4d', '#8a4fb3', '#a8832f', '#3b8ea5'];

/** ln Γ(x), Lanczos (g = 7, n = 9), for the Beta density. */
function logGamma(x) {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  let a = c[0];
  const t = x + 6.5;
  for (let i = 1; i < 9; i += 1) a += c[i] / (x - 1 + i);
  return 0.5 * Math.log(2 * Math.PI) + (x - 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The density of Beta(a, b) at x.
 * @param {number} x - in (0, 1)
 * @param {number} a - alpha
 * @param {number} b - beta
 * @returns {number} the density
 */
export function betaDensity(x, a, b) {
  if (x <= 0 || x >= 1) return 0;
  return Math.exp(
    (a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x) + logGamma(a + b) - logGamma(a) - logGamma(b),
  );
}

function posteriorCurves(snapshots) {
  const width = 640;
  const height = 180;
  const moments = snapshots.map((s) => {
    const n = s.alpha + s.beta;
    const mean = s.alpha / n;
    return { mean, sd: Math.sqrt((mean * (1 - mean)) / (n + 1)) };
  });
  const low = Math.max(0, Math.min(...moments.map((m) => m.mean - 5 * m.sd)));
  const high = Math.min(1, Math.max(...moments.map((m) => m.mean + 5 * m.sd)));
  const xs = Array.from({ length: 121 }, (_, i) => low + ((high - low) * i) / 120);
  const curves = snapshots.map((s) => xs.map((x) => betaDensity(x, s.alpha, s.beta)));
  const top = Math.max(...curves.flat(), 1e-12);
  const point = (x, y) =>
    `${(((x - low) / (high - low || 1)) * (width - 20) + 10).toFixed(1)},${(height - 24 - (y / top) * (height - 34)).toFixed(1)}`;
  return svgNode(
    'svg',
    {
      class: 'posterior-curves',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `Posterior distributions of the conversion rate, ${snapshots.map((s) => s.variant).join(', ')}`,
    },
    curves.map((curve, index) =>
      svgNode('polyline', {
        points: curve.map((y, i) => point(xs[i], y)).join(' '),
        fill: 'none',
        stroke: palette[index % palette.length],
        'stroke-width': '2',
        dataset: { variant: snapshots[index].variant },
      }),
    ),
    svgNode('text', { x: '10', y: String(height - 6), class: 'axis' }, formatPercent(low, 2)),
    svgNode(
      'text',
      { x: String(width - 10), y: String(height - 6), class: 'axis', 'text-anchor': 'end' },
      formatPercent(high, 2),
    ),
  );
}

function windowsChart(windows) {
  const totals = new Map();
  for (const w of windows) {
    const row = totals.get(w.start) ?? new Map();
    row.set(w.variant, (row.get(w.variant) ?? 0) + w.count);
    totals.set(w.start, row);
  }
  const starts = [...totals.keys()].sort().slice(-48);
  const variants = [...new Set(windows.map((w) => w.variant))].sort();
  const width = 640;
  const height = 140;
  const top = Math.max(1, ...starts.flatMap((s) => [...totals.get(s).values()]));
  const slot = (width - 20) / Math.max(1, starts.length);
  const bar = slot / Math.max(1, variants.length);
  return svgNode(
    'svg',
    {
      class: 'windows-chart',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `Events per hour by variant, ${starts.length} hours`,
    },
    starts.flatMap((start, i) =>
      variants.map((variant, j) => {
        const count = totals.get(start).get(variant) ?? 0;
        const barHeight = (count / top) * (height - 30);
        return svgNode(
          'rect',
          {
            x: (10 + i * slot + j * bar).toFixed(1),
            y: (height - 20 - barHeight).toFixed(1),
            width: Math.max(1, bar - 1).toFixed(1),
            height: barHeight.toFixed(1),
            fill: palette[j % palette.length],
            dataset: { start, variant, count },
          },
          svgNode('title', null, `${formatTime(start)} · ${variant}: ${formatCount(count)}`),
        );
      }),
    ),
  );
}

/**
 * Loads the live data of an experiment and renders its section.
 * @param {string} experimentId - the experiment
 * @param {AbortSignal} signal - cancels the requests
 * @returns {Promise<HTMLElement>} the section
 */
export async function liveSection(experimentId, signal) {
  const base = `/v1/experiments/${segment(experimentId)}`;
  const [snapshots, windows, alerts] = await Promise.all([
    apiJson(`${base}/snapshots?latest=true`, { signal }),
    apiJson(`${base}/windows?window=1h`, { signal }),
    apiJson(`/v1/alerts?status=open&experiment_id=${encodeURIComponent(experimentId)}`, {
      signal,
    }),
  ]);
  const rows = snapshots.snapshots;
  return h(
    'section',
    { class: 'live', 'aria-labelledby': 'live-heading' },
    h('h2', { id: 'live-heading' }, 'Live'),
    alerts.alerts.length === 0
      ? h('p', { class: 'ok', dataset: { field: 'live-alerts' } }, 'No open alert.')
      : h(
          'ul',
          { class: 'alert-list compact', dataset: { field: 'live-alerts' } },
          alerts.alerts.map((alert) =>
            h(
              'li',
              { class: `alert-card severity-${alert.severity}` },
              h('span', { class: 'severity' }, alert.severity),
              ' ',
              h('strong', null, alert.kind),
              ` ${alert.message} `,
              h('a', { href: '#/alerts' }, 'Alerts'),
            ),
          ),
        ),
    rows.length === 0
      ? h('p', { class: 'empty' }, 'No posterior snapshot yet: the monitor writes one every tick.')
      : [
          h('p', { class: 'subtitle' }, `Streaming posterior at ${formatTime(rows[0].tick_at)}`),
          table(
            'Streaming posterior of the conversion rate',
            [
              'Variant',
              'Exposed',
              'Converted',
              'P(beat control)',
              'Expected loss',
              'New since last tick',
            ],
            rows.map((s) => [
              s.variant,
              numberCell(formatCount(s.exposures), s.exposures, 'live-exposures'),
              numberCell(formatCount(s.successes), s.successes, 'live-successes'),
              numberCell(
                formatPercent(s.probability_beat_control, 1),
                s.probability_beat_control,
                'live-p-beat',
              ),
              numberCell(formatPercent(s.expected_loss, 3), s.expected_loss, 'live-loss'),
              numberCell(formatCount(s.incremental_exposures), s.incremental_exposures, 'live-new'),
            ]),
            { class: 'compact' },
          ),
          posteriorCurves(rows),
        ],
    windows.windows.length === 0
      ? null
      : [h('h3', null, 'Events per hour'), windowsChart(windows.windows)],
  );
}
