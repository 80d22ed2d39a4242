/**
 * The page of one experiment: who it is and what was analysed, its lifecycle (moves with a
 * confirmation, a link to edit the definition), the actions (reports, re-analysis), the
 * verdict on the primary metric, the sample-ratio check, every metric with its table and
 * forest plot, the model-adjusted effects, an assignment lookup, the analysis history and the
 * audit log; and the live section (open alerts, the streaming posterior, events per hour). Everything comes from the API at render time.
 */
import { ApiError, apiJson, segment } from './api.js';
import { historySection } from './analysis-history.js';
import { assignmentSection } from './assignment-lookup.js';
import { auditPath, auditSection } from './audit-log.js';
import { fill, h } from './dom.js';
import { formatCount, formatTime } from './format.js';
import { lifecycleSection } from './lifecycle-actions.js';
import { allocationSection, guardrailBanner } from './decision-parts.js';
import { liveSection } from './live-section.js';
import { metricSection } from './metric-section.js';
import { modelSection } from './model-effects.js';
import { actionsSection } from './report-actions.js';
import { srmSection } from './srm-check.js';
import { sequentialSection } from './sequential-view.js';
import { primaryMetric, verdictSection } from './verdict.js';

async function orNull(promise) {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function facts(experiment, summary) {
  const fact = (term, text, field) =>
    h('div', null, h('dt', null, term), h('dd', { dataset: { field } }, text));
  return h(
    'dl',
    { class: 'facts' },
    fact('Status', experiment.status, 'status'),
    fact('Owner', experiment.definition?.owner ?? '—', 'owner'),
    fact(
      'Traffic allocation',
      `${Math.round((experiment.definition?.traffic_allocation ?? 1) * 1000) / 10}%`,
      'allocation',
    ),
    fact('Users analysed', formatCount(summary?.data.users ?? null), 'users'),
    fact('Events', formatCount(summary?.data.events ?? null), 'events'),
    fact(
      'Excluded (in two variants)',
      formatCount(summary?.data.excluded_users.multiple_variants ?? null),
      'excluded',
    ),
    fact('Batches', formatCount(experiment.batch_count), 'batches'),
    fact('Significance level', summary === null ? '—' : `α = ${summary.alpha}`, 'alpha'),
  );
}

/**
 * Loads and renders an experiment into the main element.
 * @param {HTMLElement} main - where the page goes
 * @param {string} experimentId - the experiment
 * @param {{ signal: AbortSignal, notice?: HTMLElement, rerender: (notice: HTMLElement) => void }} options
 * @returns {Promise<string>} the page's title
 * @throws {ApiError} when the experiment cannot be read
 */
export async function renderExperiment(main, experimentId, options) {
  const base = `/v1/experiments/${segment(experimentId)}`;
  const { signal } = options;
  const [experiment, summary, predictions, history, audit, live] = await Promise.all([
    apiJson(base, { signal }),
    orNull(apiJson(`${base}/summary`, { signal })),
    orNull(apiJson(`/v1/model/predictions/${segment(experimentId)}`, { signal })),
    apiJson(`${base}/analyses?limit=20`, { signal }),
    apiJson(auditPath(experimentId), { signal }),
    liveSection(experimentId, signal),
  ]);
  const title = experiment.name ?? experiment.experiment_id;
  const subtitle =
    summary === null
      ? 'Not analysed yet.'
      : [
          'Analysis ',
          h('code', { dataset: { field: 'analysis-id' } }, summary.analysis_id),
          `, computed ${formatTime(summary.computed_at)}`,
        ];
  fill(
    main,
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/' }, 'Experiments'),
      ' › ',
      experiment.experiment_id,
    ),
    h('h1', { tabindex: '-1' }, title),
    experiment.name === null
      ? null
      : h('p', { class: 'id' }, h('code', null, experiment.experiment_id)),
    h('p', { class: 'subtitle' }, subtitle),
    facts(experiment, summary),
    live,
    lifecycleSection(experiment, options.rerender),
    actionsSection(experimentId, summary, {
      signal,
      notice: options.notice,
      onRerun: options.rerender,
    }),
    summary === null
      ? h(
          'p',
          { class: 'empty' },
          'No analysis yet: upload events for this experiment, or re-run the analysis.',
        )
      : [
          guardrailBanner(summary),
          verdictSection(summary, experiment.definition),
          sequentialSection(summary, primaryMetric(summary, experiment.definition)),
          srmSection(summary.srm),
          h(
            'section',
            { class: 'metrics', 'aria-labelledby': 'metrics-heading' },
            h('h2', { id: 'metrics-heading' }, 'Metrics'),
            summary.metrics.map((metric) => metricSection(metric, summary.alpha)),
          ),
          allocationSection(summary),
          modelSection(predictions, summary.alpha),
        ],
    assignmentSection(experimentId),
    historySection(experimentId, history),
    auditSection(experimentId, audit),
  );
  return title;
}
