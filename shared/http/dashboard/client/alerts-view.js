/**
 * The alerts page (`#/alerts`, `#/alerts?status=...`): the alerts not yet resolved by default,
 * or those of one state, or all, newest first, each with its severity, kind, experiment, count and times; an open alert can be
 * acknowledged and an open or acknowledged one resolved, with an optional note.
 */
import { apiJson, apiRequest, describeApiError, segment } from './api.js';
import { fill, h, notice } from './dom.js';
import { formatCount, formatTime } from './format.js';

const filters = [
  ['unresolved', 'Unresolved'],
  ['open', 'Open'],
  ['acknowledged', 'Acknowledged'],
  ['resolved', 'Resolved'],
  ['', 'All'],
];

function alertCard(alert, rerender) {
  const note = h('input', {
    type: 'text',
    name: 'note',
    maxlength: '2000',
    placeholder: 'note (optional)',
    'aria-label': `Note for the ${alert.kind} alert of ${alert.experiment_id}`,
  });
  const message = h('p', { class: 'alert-result', role: 'status' });
  const move = (action) =>
    h(
      'button',
      {
        type: 'button',
        class: action,
        on: {
          click: async (event) => {
            event.currentTarget.disabled = true;
            try {
              await apiRequest(`/v1/alerts/${segment(alert.id)}/${action}`, {
                method: 'POST',
                json: note.value.trim() === '' ? {} : { note: note.value.trim() },
              });
              rerender();
            } catch (error) {
              fill(message, notice('error', describeApiError(error)));
              event.currentTarget.disabled = false;
            }
          },
        },
      },
      action === 'acknowledge' ? 'Acknowledge' : 'Resolve',
    );
  const who = [
    alert.acknowledged_at === null
      ? null
      : `Acknowledged ${formatTime(alert.acknowledged_at)} by ${alert.acknowledged_by ?? '—'}${alert.acknowledged_note ? `: ${alert.acknowledged_note}` : ''}. `,
    alert.resolved_at === null
      ? null
      : `Resolved ${formatTime(alert.resolved_at)} by ${alert.resolved_by ?? '—'}${alert.resolved_note ? `: ${alert.resolved_note}` : ''}.`,
  ];
  return h(
    'li',
    {
      class: `alert-card severity-${alert.severity}`,
      dataset: { alert: alert.id, status: alert.status },
    },
    h(
      'p',
      { class: 'alert-head' },
      h('span', { class: 'severity' }, alert.severity),
      ' ',
      h('strong', null, alert.kind),
      alert.metric === null ? null : ` · ${alert.metric}`,
      ' · ',
      h('a', { href: `#/experiments/${segment(alert.experiment_id)}` }, alert.experiment_id),
      ' · ',
      h('span', { class: 'status', dataset: { field: 'status' } }, alert.status),
    ),
    h('p', { class: 'alert-message' }, alert.message),
    h(
      'p',
      { class: 'muted' },
      `Seen ${formatCount(alert.count)}×, first ${formatTime(alert.opened_at)}, last ${formatTime(alert.last_seen_at)}. `,
      ...who,
    ),
    alert.status === 'resolved'
      ? null
      : h(
          'div',
          { class: 'alert-actions' },
          note,
          alert.status === 'open' ? move('acknowledge') : null,
          move('resolve'),
        ),
    message,
  );
}

/**
 * Loads and renders the alerts page.
 * @param {HTMLElement} main - where the page goes
 * @param {{ status: string, signal: AbortSignal, rerender: () => void }} options - the filter
 * @returns {Promise<string>} the page's title
 */
export async function renderAlerts(main, options) {
  const read = (status) =>
    apiJson(`/v1/alerts?limit=100${status === '' ? '' : `&status=${encodeURIComponent(status)}`}`, {
      signal: options.signal,
    });
  // Unresolved: what someone still has to look at, open and acknowledged, newest first.
  const pages =
    options.status === 'unresolved'
      ? await Promise.all([read('open'), read('acknowledged')])
      : [await read(options.status)];
  const page = {
    alerts: pages
      .flatMap((p) => p.alerts)
      .sort((a, b) => (a.opened_at < b.opened_at ? 1 : a.opened_at > b.opened_at ? -1 : 0)),
  };
  fill(
    main,
    h('h1', { tabindex: '-1' }, 'Alerts'),
    h(
      'nav',
      { class: 'alert-filters', 'aria-label': 'Alert states' },
      filters.map(([status, label]) =>
        h(
          'a',
          {
            href: status === '' ? '#/alerts?status=' : `#/alerts?status=${status}`,
            'aria-current': status === options.status ? 'page' : null,
          },
          label,
        ),
      ),
    ),
    page.alerts.length === 0
      ? h('p', { class: 'empty' }, 'No alerts here.')
      : h(
          'ul',
          { class: 'alert-list' },
          page.alerts.map((alert) => alertCard(alert, options.rerender)),
        ),
  );
  return 'Alerts';
}
