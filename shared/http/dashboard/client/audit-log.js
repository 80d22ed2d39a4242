/**
 * The audit log of an experiment, oldest first: when, what (created, changed, a move), which
 * token by its name (or which file), the statuses, the reason and the fields changed with
 * their values. A page at a time; "Show more" follows the API's cursor.
 */
import { apiJson, describeApiError, segment } from './api.js';
import { fill, h, notice, table } from './dom.js';
import { formatTime } from './format.js';

const pageSize = 20;

function shown(value) {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function changesText(entry) {
  if (entry.action === 'status') return `${entry.from} → ${entry.to}`;
  if (entry.action === 'created') {
    return `created as ${entry.to} with ${entry.changes.map((c) => c.field).join(', ')}`;
  }
  return entry.changes.map((c) => `${c.field}: ${shown(c.from)} → ${shown(c.to)}`).join('; ');
}

function rows(items) {
  return items.map((entry) =>
    h(
      'tr',
      { dataset: { version: entry.version } },
      h('td', null, formatTime(entry.at)),
      h('td', { dataset: { field: 'action' } }, entry.action),
      h('td', { dataset: { field: 'who' } }, entry.token_name ?? entry.source),
      h('td', { class: 'changes', dataset: { field: 'changes' } }, changesText(entry)),
      h('td', { dataset: { field: 'reason' } }, entry.reason ?? '—'),
      h('td', { class: 'num' }, String(entry.version)),
    ),
  );
}

/**
 * The audit section, filled once its first page has loaded.
 * @param {string} experimentId - the experiment
 * @param {object} firstPage - `GET .../audit` of the first page
 * @returns {HTMLElement} the section
 */
export function auditSection(experimentId, firstPage) {
  const holder = table(
    'Every change of this experiment, oldest first',
    ['When', 'What', 'Who', 'Change', 'Reason', 'Version'],
    rows(firstPage.items),
    { class: 'compact audit-table' },
  );
  const body = holder.querySelector('tbody');
  const status = h('div', { 'aria-live': 'polite' });
  let cursor = firstPage.next_cursor;
  const more = h(
    'button',
    {
      type: 'button',
      class: 'secondary more-audit',
      hidden: cursor === null,
      on: {
        click: async () => {
          more.disabled = true;
          try {
            const page = await apiJson(
              `/v1/experiments/${segment(experimentId)}/audit?limit=${pageSize}&cursor=${encodeURIComponent(cursor)}`,
            );
            body.append(...rows(page.items));
            cursor = page.next_cursor;
            more.hidden = cursor === null;
          } catch (error) {
            fill(status, notice('error', describeApiError(error)));
          } finally {
            more.disabled = false;
          }
        },
      },
    },
    'Show more',
  );
  return h(
    'section',
    { class: 'audit', 'aria-labelledby': 'audit-heading' },
    h('h2', { id: 'audit-heading' }, 'Audit log'),
    holder,
    more,
    status,
  );
}

/**
 * The path of the first page of the audit log.
 * @param {string} experimentId - the experiment
 * @returns {string} the path
 */
export function auditPath(experimentId) {
  return `/v1/experiments/${segment(experimentId)}/audit?limit=${pageSize}`;
}
