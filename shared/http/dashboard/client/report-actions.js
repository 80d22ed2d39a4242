/* global document, location */
/**
 * What a reader can do on an experiment: download the PDF or CSV report of the latest
 * analysis (fetched with the token as a blob and saved, since a plain link cannot carry the
 * `Authorization` header), and re-run the analysis (`POST /v1/analytics/run`, then follow the
 * job until it completes).
 */
import { ApiError, apiJson, apiRequest, describeApiError, segment } from './api.js';
import { fill, h, notice } from './dom.js';

const pollMs = 750;
const maxPolls = 800;

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

function saveBlob(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function downloadReport(experimentId, analysisId, format, show) {
  const label = format.toUpperCase();
  show(notice('info', `Preparing the ${label} report…`));
  try {
    const response = await apiRequest(
      `/v1/experiments/${segment(experimentId)}/report?format=${format}`,
      { accept: format === 'pdf' ? 'application/pdf' : 'text/csv', redirect: 'manual' },
    );
    const fileName = `${experimentId}-${analysisId}.${format}`.replace(/[^A-Za-z0-9._-]/g, '_');
    saveBlob(await response.blob(), fileName);
    show(notice('success', `Downloaded the ${label} report as ${fileName}.`));
  } catch (error) {
    const text =
      error instanceof ApiError && error.status === 302
        ? `The ${label} report is on Cloud Storage behind a signed link, which this page cannot follow. Download it with: curl -L -H "Authorization: Bearer $TOKEN" "${location.origin}/v1/experiments/${segment(experimentId)}/report?format=${format}"`
        : error instanceof ApiError && error.status === 404
          ? `No ${label} report yet: it is written after the models are trained. Try again in a moment.`
          : describeApiError(error);
    show(notice('error', text));
  }
}

function jobOutcome(job) {
  const result = job.result ?? {};
  if (result.outcome === 'unchanged') {
    return `Re-analysis done (${job.job_id}): no new data, the analysis ${result.analysis_id} is unchanged.`;
  }
  return `Re-analysis done (${job.job_id}): new analysis ${result.analysis_id ?? ''}.`;
}

async function rerunAnalysis(experimentId, show, onDone, signal) {
  show(notice('info', 'Asking for a re-analysis…'));
  const accepted = await apiJson('/v1/analytics/run', {
    method: 'POST',
    json: { experiment_id: experimentId },
    signal,
  });
  show(notice('info', `Re-analysis queued as job ${accepted.job_id}…`));
  for (let poll = 0; poll < maxPolls; poll += 1) {
    await sleep(pollMs, signal);
    const job = await apiJson(`/v1/jobs/${segment(accepted.job_id)}`, { signal });
    if (job.status === 'completed') {
      onDone(notice('success', jobOutcome(job)));
      return;
    }
    if (job.status === 'failed') {
      show(
        notice('error', `Re-analysis failed (${job.job_id}): ${job.error ?? 'no reason given'}.`),
      );
      return;
    }
    show(notice('info', `Re-analysis ${job.status} (${job.job_id})…`));
  }
  show(notice('warning', `Re-analysis still running (${accepted.job_id}); refresh later.`));
}

/**
 * The actions section: download buttons and the re-run button, with a live status line.
 * @param {string} experimentId - the experiment
 * @param {object | null} summary - the latest analysis, or null
 * @param {{ signal: AbortSignal, notice?: HTMLElement, onRerun: (message: HTMLElement) => void }} options
 *   `notice` is shown first; `onRerun` is called with the outcome when a re-run completes
 * @returns {HTMLElement} the section
 */
export function actionsSection(experimentId, summary, options) {
  const status = h('div', { class: 'action-status', 'aria-live': 'polite' }, options.notice);
  const show = (node) => fill(status, node);
  const hasReport = summary !== null && summary.report !== null;
  const downloadButton = (format) =>
    h(
      'button',
      {
        type: 'button',
        class: 'download',
        dataset: { format },
        disabled: !hasReport,
        on: {
          click: () => downloadReport(experimentId, summary?.analysis_id ?? 'latest', format, show),
        },
      },
      `Download ${format.toUpperCase()}`,
    );
  const rerunButton = h(
    'button',
    {
      type: 'button',
      class: 'rerun',
      on: {
        click: async () => {
          rerunButton.disabled = true;
          try {
            await rerunAnalysis(experimentId, show, options.onRerun, options.signal);
          } catch (error) {
            if (!options.signal.aborted) show(notice('error', describeApiError(error)));
          } finally {
            rerunButton.disabled = false;
          }
        },
      },
    },
    'Re-run analysis',
  );
  return h(
    'section',
    { class: 'actions', 'aria-label': 'Reports and re-analysis' },
    h('div', { class: 'buttons' }, downloadButton('pdf'), downloadButton('csv'), rerunButton),
    hasReport
      ? null
      : h('p', { class: 'hint' }, 'The reports are written after the analysis and the models.'),
    status,
  );
}
