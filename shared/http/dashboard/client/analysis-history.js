/**
 * The analyses of an experiment, newest first, each with the runs that produced it or found it
 * again: a batch, a scheduled rerun or a job. A rerun that found no new data is marked
 * `unchanged`. Older pages load on demand with the API's cursor.
 */
import { apiJson, describeApiError, segment } from './api.js';
import { fill, h, notice, numberCell } from './dom.js';
import { formatCount, formatTime } from './format.js';

const triggerNames = { batch: 'new batch', rerun: 'scheduled rerun', http: 're-run request' };

function runItem(run) {
  return h(
    'li',
    { class: `run ${run.outcome}`, dataset: { outcome: run.outcome, job: run.job_id ?? '' } },
    h('span', { class: 'when' }, formatTime(run.created_at)),
    ` ${triggerNames[run.trigger] ?? run.trigger}`,
    run.job_id === null ? null : h('span', { class: 'job' }, ` (${run.job_id})`),
    ' ',
    run.outcome === 'unchanged'
      ? h('span', { class: 'badge unchanged' }, 'unchanged: no new data')
      : h('span', { class: 'badge new' }, 'new analysis'),
  );
}

function analysisRow(analysis) {
  return h(
    'tr',
    { dataset: { analysis: analysis.analysis_id } },
    h(
      'th',
      { scope: 'row' },
      h('code', null, analysis.analysis_id),
      analysis.is_latest ? h('span', { class: 'badge' }, 'latest') : null,
    ),
    h('td', null, formatTime(analysis.computed_at)),
    numberCell(formatCount(analysis.input_batches), analysis.input_batches, 'batches'),
    numberCell(formatCount(analysis.users), analysis.users, 'users'),
    h('td', null, h('ul', { class: 'runs' }, analysis.runs.map(runItem))),
  );
}

/**
 * The history section.
 * @param {string} experimentId - the experiment
 * @param {object} page - the first page of `GET /v1/experiments/{id}/analyses`
 * @returns {HTMLElement} the section
 */
export function historySection(experimentId, page) {
  const body = h('tbody', null, page.items.map(analysisRow));
  const status = h('div', { class: 'history-status' });
  let cursor = page.next_cursor;
  const more = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      hidden: cursor === null,
      on: {
        click: async () => {
          more.disabled = true;
          try {
            const next = await apiJson(
              `/v1/experiments/${segment(experimentId)}/analyses?limit=20&cursor=${encodeURIComponent(cursor)}`,
            );
            body.append(...next.items.map(analysisRow));
            cursor = next.next_cursor;
            more.hidden = cursor === null;
            fill(status);
          } catch (error) {
            fill(status, notice('error', describeApiError(error)));
          } finally {
            more.disabled = false;
          }
        },
      },
    },
    'Show older analyses',
  );
  const headers = ['Analysis', 'Computed', 'Batches', 'Users', 'Runs'];
  return h(
    'section',
    { class: 'history', 'aria-labelledby': 'history-heading' },
    h('h2', { id: 'history-heading' }, 'Analysis history'),
    page.items.length === 0
      ? h('p', null, 'No analysis yet.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'history-table' },
            h('caption', null, 'Analyses, newest first, with the runs that produced them'),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                headers.map((name) => h('th', { scope: 'col' }, name)),
              ),
            ),
            body,
          ),
        ),
    more,
    status,
  );
}
