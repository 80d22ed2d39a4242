/**
 * The list of experiments, in id order, a page at a time with the API's cursor (the cursor
 * lives in the address, so the browser's Back button goes to the previous page), and the upload
 * form, and a link to create an experiment. After an upload of new data the list is watched until a new analysis shows up.
 */
import { apiJson, segment } from './api.js';
import { fill, h, notice, numberCell, table } from './dom.js';
import { formatCount, formatTime } from './format.js';
import { planSection } from './plan-form.js';
import { uploadSection } from './upload-form.js';

const pageSize = 20;
const watchMs = 1500;
const maxWatches = 200;

function listPath(cursor) {
  return `/v1/experiments?limit=${pageSize}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
}

function experimentsTable(items) {
  if (items.length === 0) {
    return h('p', { class: 'empty' }, 'No experiments yet: upload an events file below.');
  }
  return table(
    'Experiments, in id order',
    ['Experiment', 'Name', 'Status', 'Users', 'Last analysed'],
    items.map((item) =>
      h(
        'tr',
        { dataset: { experiment: item.experiment_id } },
        h(
          'th',
          { scope: 'row' },
          h('a', { href: `#/experiments/${segment(item.experiment_id)}` }, item.experiment_id),
        ),
        h('td', null, item.name ?? '—'),
        h('td', null, h('span', { class: `status ${item.status}` }, item.status)),
        numberCell(formatCount(item.users), item.users, 'users'),
        h('td', { dataset: { field: 'computed-at' } }, formatTime(item.computed_at)),
      ),
    ),
    { class: 'experiments-table' },
  );
}

function signature(page) {
  return JSON.stringify(page.items.map((item) => [item.experiment_id, item.latest_analysis_id]));
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function watchForAnalysis(cursor, before, tableHolder, watchStatus, signal) {
  fill(watchStatus, notice('info', 'Waiting for the analysis of the upload…'));
  for (let watch = 0; watch < maxWatches && !signal.aborted; watch += 1) {
    await sleep(watchMs);
    if (signal.aborted) return;
    const page = await apiJson(listPath(cursor), { signal }).catch(() => null);
    if (page !== null && signature(page) !== before) {
      fill(tableHolder, experimentsTable(page.items));
      fill(watchStatus, notice('success', 'A new analysis is in: the list is up to date.'));
      return signature(page);
    }
  }
  if (!signal.aborted) {
    fill(watchStatus, notice('info', 'No new analysis yet; reload the page later.'));
  }
  return null;
}

/**
 * Loads and renders a page of experiments and the upload form into the main element.
 * @param {HTMLElement} main - where the page goes
 * @param {{ cursor: string | null, signal: AbortSignal, live?: boolean }} options - the page's
 *   cursor; `live` (an event of the stream) redraws only the table, leaving the upload form and
 *   what it shows as they are
 * @returns {Promise<string>} the page's title
 * @throws {ApiError} when the list cannot be read
 */
export async function renderExperimentList(main, options) {
  const { cursor, signal } = options;
  const page = await apiJson(listPath(cursor), { signal });
  const shown = main.querySelector('div.list');
  if (options.live === true && shown !== null) {
    fill(shown, experimentsTable(page.items));
    return 'Experiments';
  }
  const tableHolder = h('div', { class: 'list' }, experimentsTable(page.items));
  const watchStatus = h('div', { class: 'watch-status', 'aria-live': 'polite' });
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    cursor === null ? null : h('a', { href: '#/' }, 'First page'),
    page.next_cursor === null
      ? null
      : h(
          'a',
          { href: `#/?cursor=${encodeURIComponent(page.next_cursor)}`, rel: 'next' },
          'Next page',
        ),
  );
  let current = signature(page);
  fill(
    main,
    h('h1', { tabindex: '-1' }, 'Experiments'),
    h('p', null, h('a', { href: '#/new', class: 'new-experiment' }, 'New experiment')),
    tableHolder,
    pager,
    watchStatus,
    uploadSection(() => {
      void watchForAnalysis(cursor, current, tableHolder, watchStatus, signal).then((latest) => {
        if (latest !== null) current = latest;
      });
    }),
    planSection(),
  );
  return 'Experiments';
}
