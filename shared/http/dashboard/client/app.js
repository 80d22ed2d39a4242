/* global document, location, window */
/**
 * The dashboard's entry point: the token field, and a router over the address's fragment
 * (`#/` the experiments, `#/?cursor=...` a later page, `#/experiments/<id>` one experiment,
 * `#/new` a new experiment, `#/experiments/<id>/edit` its definition, `#/alerts` the alerts)
 * that loads each view from the API, cancelling the previous view's requests. The experiments,
 * an experiment's page and the alerts follow the live stream: a new batch, analysis, snapshot or
 * alert redraws the view in place, and the alerts badge counts the open alerts.
 */
import { apiJson, describeApiError, isTokenRefused, readToken, saveToken } from './api.js';
import { renderAlerts } from './alerts-view.js';
import { fill, h, notice } from './dom.js';
import { renderExperimentForm } from './experiment-form.js';
import { renderExperimentList } from './experiment-list.js';
import { renderExperiment } from './experiment-view.js';
import { subscribeLive } from './live-updates.js';

const main = document.getElementById('main');
const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token');
const tokenState = document.getElementById('token-state');
const forgetButton = document.getElementById('forget-token');
const alertsBadge = document.getElementById('alerts-badge');
let controller = null;
let liveController = null;
let liveTimer = null;

/**
 * The view an address fragment names.
 * @param {string} hash - `location.hash`
 * @returns {{ view: 'list', cursor: string | null } | { view: 'experiment' | 'edit', id: string }
 *   | { view: 'new' }} the route
 */
export function parseRoute(hash) {
  if (hash === '#/new') return { view: 'new' };
  const alerts = /^#\/alerts(?:\?status=([a-z]*))?$/.exec(hash);
  if (alerts !== null) return { view: 'alerts', status: alerts[1] ?? 'unresolved' };
  const experiment = /^#\/experiments\/([^/?#]+)(\/edit)?$/.exec(hash);
  if (experiment !== null) {
    try {
      const id = decodeURIComponent(experiment[1]);
      return { view: experiment[2] === undefined ? 'experiment' : 'edit', id };
    } catch {
      return { view: 'list', cursor: null };
    }
  }
  const query = hash.startsWith('#/?') ? new URLSearchParams(hash.slice(3)) : null;
  return { view: 'list', cursor: query?.get('cursor') ?? null };
}

function showTokenState() {
  const hasToken = readToken() !== null;
  tokenState.textContent = hasToken ? 'Token set for this tab.' : 'No token yet.';
  forgetButton.hidden = !hasToken;
}

async function countOpenAlerts() {
  try {
    const page = await apiJson('/v1/alerts?status=open&limit=100');
    const count = page.alerts.length;
    alertsBadge.textContent = count === 100 && page.next_cursor !== null ? '100+' : String(count);
    alertsBadge.hidden = count === 0;
  } catch {
    alertsBadge.hidden = true;
  }
}

/** Follows the stream for a view: any event redraws it (a burst once), keeping the scroll. */
function followLive(route) {
  liveController?.abort();
  liveController = null;
  if (readToken() === null || route.view === 'new' || route.view === 'edit') return;
  liveController = new AbortController();
  const query = route.view === 'experiment' ? `?experiment_id=${encodeURIComponent(route.id)}` : '';
  subscribeLive(
    `/v1/stream${query}`,
    (type) => {
      if (type.startsWith('alert.')) void countOpenAlerts();
      clearTimeout(liveTimer);
      liveTimer = setTimeout(() => void render({ live: true }), 250);
    },
    liveController.signal,
  );
}

async function render(options = {}) {
  const route = parseRoute(location.hash);
  if (options.live !== true) followLive(route);
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  if (readToken() === null) {
    document.title = 'abtest';
    fill(
      main,
      h('h1', { tabindex: '-1' }, 'abtest results'),
      notice(
        'info',
        'Paste the API token at the top of the page to see the experiments: ABTEST_API_TOKEN, or the read-only ABTEST_API_READ_TOKEN. It is kept in this tab only.',
      ),
    );
    return;
  }
  main.setAttribute('aria-busy', 'true');
  if (options.live !== true) fill(main, h('p', { class: 'loading' }, 'Loading…'));
  void countOpenAlerts();
  try {
    const title =
      route.view === 'experiment'
        ? await renderExperiment(main, route.id, {
            signal,
            notice: options.notice,
            rerender: (message) => void render({ notice: message, focus: 'button.rerun' }),
          })
        : route.view === 'alerts'
          ? await renderAlerts(main, {
              status: route.status,
              signal,
              rerender: () => void render({ live: true }),
            })
          : route.view === 'new' || route.view === 'edit'
            ? await renderExperimentForm(main, route.view === 'new' ? null : route.id, { signal })
            : await renderExperimentList(main, {
                cursor: route.cursor,
                signal,
                live: options.live,
              });
    document.title = `${title} · abtest`;
    if (options.focus !== undefined) main.querySelector(options.focus)?.focus();
  } catch (error) {
    if (signal.aborted) return;
    fill(
      main,
      h('h1', { tabindex: '-1' }, route.id ?? 'Experiments'),
      notice('error', describeApiError(error)),
    );
    if (isTokenRefused(error)) tokenInput.focus();
  } finally {
    if (!signal.aborted) main.removeAttribute('aria-busy');
  }
}

tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  saveToken(tokenInput.value);
  tokenInput.value = '';
  showTokenState();
  void render();
});
forgetButton.addEventListener('click', () => {
  saveToken('');
  showTokenState();
  tokenInput.focus();
  void render();
});
document.querySelector('.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => void render({ focus: 'h1' }));
showTokenState();
void render();
