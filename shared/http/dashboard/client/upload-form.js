/**
 * The upload form: an events file, or a unit-level table (with its experiment and variant
 * column as form fields), posted as `multipart/form-data` to `POST /v1/ingest/events` on the
 * same origin (served there by `abtest serve`), and the answer shown as it came: the batch id,
 * its status and counts, or the file error. A new batch is then followed
 * (`GET /v1/batches/{id}`) until it is validated: its counts, the rows rejected and the
 * experiments it touches. A 404 means this origin serves the results API alone, and the form
 * says where uploads go instead. A definition file (YAML or JSON) goes to
 * `POST /v1/definitions` instead, as if dropped under `definitions/`.
 */
import { ApiError, apiJson, apiRequest, describeApiError, segment } from './api.js';
import { fill, h, notice, numberCell, table } from './dom.js';
import { formatCount } from './format.js';

const pollMs = 750;
const maxPolls = 400;
const accepted =
  '.csv,.ndjson,.jsonl,.json,.parquet,text/csv,application/json,application/x-ndjson';

function batchDetails(batch) {
  const fact = (term, text, field) =>
    h('div', null, h('dt', null, term), h('dd', { dataset: { field } }, text));
  const errors =
    batch.errors.length === 0
      ? null
      : table(
          'Rejected rows',
          ['Line', 'Column', 'Value', 'Reason'],
          batch.errors.map((error) => [
            numberCell(formatCount(error.line), error.line, 'line'),
            error.column ?? '—',
            error.value ?? '—',
            error.reason,
          ]),
          { class: 'compact errors-table' },
        );
  return h(
    'div',
    { class: 'batch' },
    h(
      'dl',
      { class: 'facts' },
      fact('Batch', h('code', null, batch.batch_id), 'batch-id'),
      fact('Status', batch.status, 'batch-status'),
      fact('File', batch.source, 'source'),
      fact('Accepted rows', formatCount(batch.accepted), 'accepted'),
      fact('Rejected rows', formatCount(batch.rejected), 'rejected'),
      fact('Duplicates', formatCount(batch.duplicates), 'duplicates'),
      Array.isArray(batch.experiment_ids) && batch.experiment_ids.length > 0
        ? fact(
            'Experiments',
            batch.experiment_ids.map((id, index) => [
              index === 0 ? null : ', ',
              h('a', { href: `#/experiments/${segment(id)}` }, id),
            ]),
            'experiments',
          )
        : null,
    ),
    typeof batch.error_message === 'string' ? notice('error', batch.error_message) : null,
    errors,
  );
}

function elsewhere() {
  return notice(
    'error',
    'This server has no upload endpoint (404): it serves the results API alone. ',
    'Upload to the ingest function instead (POST /v1/ingest/events, e.g. ',
    h(
      'code',
      null,
      'curl -H "Authorization: Bearer $TOKEN" -F file=@events.csv <ingest URL>/v1/ingest/events',
    ),
    '), or run everything on one port with ',
    h('code', null, 'npx abtest serve'),
    '.',
  );
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function uploadDefinition(file, show) {
  const type = /\.json$/i.test(file.name) ? 'application/json' : 'application/yaml';
  try {
    const response = await apiRequest('/v1/definitions', {
      method: 'POST',
      body: await file.text(),
      contentType: type,
    });
    const { outcome, experiment } = await response.json();
    const link = h(
      'a',
      { href: `#/experiments/${segment(experiment.experiment_id)}` },
      experiment.experiment_id,
    );
    const said = {
      created: ['created, ', experiment.status],
      changed: ['changed, now ', experiment.status],
      unchanged: ['unchanged, still ', experiment.status],
    }[outcome];
    show(
      notice(
        'success',
        `${file.name}: experiment `,
        link,
        ` ${said[0]}${said[1]} (version ${experiment.version}).`,
      ),
    );
  } catch (error) {
    show(notice('error', `The definition was refused. ${describeApiError(error)}`));
  }
}

async function upload(file, fields, show) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append('file', file, file.name);
  try {
    const response = await apiRequest('/v1/ingest/events', { method: 'POST', body });
    const batch = await response.json();
    const message =
      response.status === 202
        ? `Stored ${file.name} as batch ${batch.batch_id}: validating…`
        : `${file.name} was uploaded before: it is batch ${batch.batch_id}, shown as it stands.`;
    show(notice('info', message), batchDetails(batch));
    return batch;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      show(elsewhere());
    } else if (error instanceof ApiError && typeof error.body?.batch_id === 'string') {
      show(
        notice('error', `The file was rejected (${error.status}): ${error.message}`),
        batchDetails(error.body),
      );
    } else {
      show(notice('error', `The upload failed. ${describeApiError(error)}`));
    }
    return null;
  }
}

async function followBatch(batch, show) {
  let current = batch;
  for (let poll = 0; poll < maxPolls && current.status === 'received'; poll += 1) {
    await sleep(pollMs);
    try {
      current = await apiJson(`/v1/batches/${segment(batch.batch_id)}`);
    } catch (error) {
      show(
        notice('warning', `Could not follow batch ${batch.batch_id}. ${describeApiError(error)}`),
        batchDetails(current),
      );
      return current;
    }
  }
  const outcome = {
    received: ['info', `Batch ${current.batch_id} is still waiting for validation.`],
    validated: [
      'success',
      `Batch ${current.batch_id} is validated; the analysis follows in the background.`,
    ],
    rejected: ['error', `Batch ${current.batch_id} was rejected.`],
    failed: ['error', `Batch ${current.batch_id} failed.`],
  }[current.status] ?? ['info', `Batch ${current.batch_id}: ${current.status}.`];
  show(notice(outcome[0], outcome[1]), batchDetails(current));
  return current;
}

/**
 * The upload section.
 * @param {(batch: object) => void} onValidated - called when a new batch has been validated
 * @returns {HTMLElement} the section
 */
export function uploadSection(onValidated) {
  const result = h('div', { class: 'upload-result', 'aria-live': 'polite' });
  const show = (...nodes) => fill(result, ...nodes);
  const input = h('input', {
    id: 'upload-file',
    name: 'file',
    type: 'file',
    accept: accepted,
    required: true,
  });
  const fileLabel = h('label', { for: 'upload-file' }, 'Events file');
  const experimentInput = h('input', { id: 'upload-experiment', name: 'experiment', type: 'text' });
  const variantInput = h('input', {
    id: 'upload-variant-column',
    name: 'unit_table',
    type: 'text',
  });
  const unitFields = h(
    'div',
    { class: 'unit-fields', hidden: true },
    h('label', { for: 'upload-experiment' }, 'Experiment'),
    experimentInput,
    h('label', { for: 'upload-variant-column' }, 'Variant column'),
    variantInput,
  );
  const kinds = [
    ['events', 'Events', 'Events file', accepted],
    ['units', 'Unit-level table', 'Unit-level table file', '.csv,.ndjson,.jsonl,.json,.parquet'],
    ['definition', 'Definition', 'Definition file', '.yaml,.yml,.json'],
  ];
  let kind = 'events';
  const kindChoice = h(
    'fieldset',
    { class: 'upload-kind' },
    h('legend', null, 'What is the file'),
    kinds.map(([value, text, label, accepts]) => {
      const id = `upload-kind-${value}`;
      return h(
        'span',
        null,
        h('input', {
          id,
          type: 'radio',
          name: 'kind',
          value,
          checked: value === 'events',
          on: {
            change: () => {
              kind = value;
              fileLabel.textContent = label;
              input.accept = accepts;
              unitFields.hidden = value !== 'units';
            },
          },
        }),
        h('label', { for: id }, text),
      );
    }),
  );
  const button = h('button', { type: 'submit' }, 'Upload');
  const form = h(
    'form',
    {
      class: 'upload-form',
      on: {
        submit: async (event) => {
          event.preventDefault();
          const file = input.files?.[0];
          if (file === undefined) {
            show(notice('error', 'Choose a file first.'));
            input.focus();
            return;
          }
          button.disabled = true;
          show(notice('info', `Uploading ${file.name}…`));
          if (kind === 'definition') {
            await uploadDefinition(file, show).finally(() => {
              button.disabled = false;
            });
            return;
          }
          const fields =
            kind === 'units'
              ? { experiment: experimentInput.value.trim(), unit_table: variantInput.value.trim() }
              : {};
          const batch = await upload(file, fields, show).finally(() => {
            button.disabled = false;
          });
          if (batch === null || batch.status !== 'received') return;
          const settled = await followBatch(batch, show);
          if (settled.status === 'validated') onValidated(settled);
        },
      },
    },
    kindChoice,
    fileLabel,
    input,
    unitFields,
    button,
  );
  return h(
    'section',
    { class: 'upload', 'aria-labelledby': 'upload-heading' },
    h('h2', { id: 'upload-heading' }, 'Upload events, a unit-level table or a definition'),
    h(
      'p',
      { class: 'hint' },
      'Events: CSV, NDJSON, a JSON array or Parquet, one row per event: user_id, experiment_id, variant, event_type, timestamp, and optionally event_id, value and any attributes. A unit-level table: one row per user with its outcomes, for the experiment named (its variant column too, unless its definition has a unit_table block). A definition: YAML or JSON, created or changed under the lifecycle.',
    ),
    form,
    result,
  );
}
