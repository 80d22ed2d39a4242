/* global CSS, location */
/**
 * Creating and editing an experiment: a form over the definition's fields (id, name, owner,
 * hypothesis, allocation, salt, window, metrics, alpha) and its variants (key, name, weight,
 * control, config), sent as `POST /v1/experiments` (a new draft) or as a JSON merge patch
 * (`PATCH /v1/experiments/{id}`). The form checks nothing itself: it sends what was typed and
 * shows the API's own messages beside the fields their paths name (`variants.1.weight`), so the
 * words are the ones the CLI, the bucket and the API give.
 */
import { ApiError, apiJson, describeApiError, segment } from './api.js';
import { fill, h, notice } from './dom.js';

/** The definition's plain fields, in form order. */
const plainFields = [
  { path: 'id', label: 'Id', hint: '1-128 letters, digits, ".", "_" or "-"; it cannot change.' },
  { path: 'name', label: 'Name' },
  { path: 'owner', label: 'Owner' },
  { path: 'hypothesis', label: 'Hypothesis', multiline: true },
  {
    path: 'traffic_allocation',
    label: 'Traffic allocation',
    number: true,
    hint: 'The share of users in the experiment, above 0 and at most 1 (empty: 1). Once running it may only grow.',
  },
  {
    path: 'salt',
    label: 'Salt',
    hint: 'Seeds the assignment (empty: the id). Frozen once running.',
  },
  { path: 'start_at', label: 'Start', hint: 'ISO-8601 with an offset, e.g. 2026-01-05T00:00:00Z.' },
  { path: 'end_at', label: 'End' },
  { path: 'exposure_event', label: 'Exposure event', hint: 'Empty: exposure.' },
  { path: 'primary_metric', label: 'Primary metric' },
  {
    path: 'guardrail_metrics',
    label: 'Guardrail metrics',
    list: true,
    hint: 'Names of metrics whose harm is watched, comma-separated.',
  },
  { path: 'alpha', label: 'Alpha', number: true, hint: 'Empty: 0.05.' },
  {
    path: 'metrics',
    label: 'Metrics (JSON)',
    json: true,
    multiline: true,
    hint: 'A JSON array of {"name", "type": "binomial" | "continuous", "event_type", "aggregate"}; empty: conversion and revenue.',
  },
];

let fieldCount = 0;

function field(spec, value, disabled) {
  fieldCount += 1;
  const id = `field-${fieldCount}`;
  const input = h(spec.multiline ? 'textarea' : 'input', {
    id,
    name: spec.path,
    type: spec.multiline ? null : 'text',
    inputmode: spec.number ? 'decimal' : null,
    rows: spec.multiline ? 3 : null,
    disabled,
    spellcheck: 'false',
  });
  input.value = value;
  return h(
    'div',
    { class: 'field', dataset: { path: spec.path } },
    h('label', { for: id }, spec.label),
    input,
    spec.hint === undefined ? null : h('p', { class: 'hint' }, spec.hint),
  );
}

function textOf(spec, value) {
  if (value === undefined || value === null) return '';
  if (spec.json) return JSON.stringify(value, null, 2);
  if (spec.list) return value.join(', ');
  return String(value);
}

function variantRow(variant, index) {
  const cell = (name, value, props = {}) => {
    fieldCount += 1;
    const id = `field-${fieldCount}`;
    const input = h(props.multiline ? 'textarea' : 'input', {
      id,
      name,
      type: props.multiline ? null : (props.type ?? 'text'),
      rows: props.multiline ? 2 : null,
      inputmode: props.number ? 'decimal' : null,
      spellcheck: 'false',
    });
    if (props.type === 'radio') {
      input.value = String(index);
      input.checked = value === true;
      input.name = 'control';
    } else input.value = value ?? '';
    return h(
      'div',
      { class: `field variant-${name}`, dataset: { path: `variants.${index}.${name}` } },
      h('label', { for: id }, props.label),
      input,
    );
  };
  const row = h(
    'div',
    { class: 'variant-row', dataset: { index } },
    cell('key', variant.key, { label: 'Key' }),
    cell('name', variant.name, { label: 'Name' }),
    cell('weight', variant.weight === undefined ? '' : String(variant.weight), {
      label: 'Weight',
      number: true,
    }),
    cell('control', variant.control === true, { label: 'Control', type: 'radio' }),
    cell('config', variant.config === undefined ? '' : JSON.stringify(variant.config), {
      label: 'Config (JSON object)',
      multiline: true,
    }),
  );
  row.append(
    h(
      'button',
      {
        type: 'button',
        class: 'secondary remove-variant',
        on: { click: () => row.remove() },
      },
      'Remove',
    ),
  );
  return row;
}

function readNumber(text) {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

function readJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The definition the form holds; fields left empty are absent (null in a patch). */
function readForm(form, asPatch) {
  const definition = {};
  for (const spec of plainFields) {
    const input = form.querySelector(`[data-path="${spec.path}"] [name="${spec.path}"]`);
    const text = input?.value ?? '';
    if (text.trim() === '') {
      if (asPatch && spec.path !== 'id') definition[spec.path] = null;
      continue;
    }
    if (spec.number) definition[spec.path] = readNumber(text);
    else if (spec.json) definition[spec.path] = readJson(text);
    else if (spec.list) {
      definition[spec.path] = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    } else definition[spec.path] = text.trim();
  }
  const rows = [...form.querySelectorAll('.variant-row')];
  const variants = rows.map((row) => {
    const value = (name) => row.querySelector(`[name="${name}"]`)?.value.trim() ?? '';
    const variant = { key: value('key') };
    if (value('name') !== '') variant.name = value('name');
    if (value('weight') !== '') variant.weight = readNumber(value('weight'));
    if (row.querySelector('[name="control"]')?.checked === true) variant.control = true;
    if (value('config') !== '') variant.config = readJson(value('config'));
    return variant;
  });
  if (variants.length > 0) definition.variants = variants;
  else if (asPatch) definition.variants = null;
  return definition;
}

/** Shows each issue beside the field its path names (the closest one the form has). */
function showIssues(form, issues) {
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  for (const old of form.querySelectorAll('[aria-invalid]')) old.removeAttribute('aria-invalid');
  for (const issue of issues) {
    const parts = issue.path === '' ? [] : issue.path.split('.');
    let holder = null;
    for (let length = parts.length; length > 0 && holder === null; length -= 1) {
      const path = parts.slice(0, length).join('.');
      holder = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
    }
    holder ??= form.querySelector('.form-errors');
    fieldCount += 1;
    const id = `error-${fieldCount}`;
    holder.append(
      h('p', { class: 'field-error', id, dataset: { path: issue.path } }, issue.message),
    );
    const input = holder.querySelector('input, textarea');
    if (input !== null) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', id);
    }
  }
}

/**
 * Renders the form to create an experiment (`experimentId` null) or edit one.
 * @param {HTMLElement} main - where the page goes
 * @param {string | null} experimentId - the experiment to edit, or null for a new one
 * @param {{ signal: AbortSignal }} options - cancels the loading
 * @returns {Promise<string>} the page's title
 */
export async function renderExperimentForm(main, experimentId, options) {
  const editing = experimentId !== null;
  const experiment = editing
    ? await apiJson(`/v1/experiments/${segment(experimentId)}`, { signal: options.signal })
    : null;
  const definition = experiment?.definition ?? (editing ? { id: experimentId } : {});
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const variants = h(
    'fieldset',
    { class: 'variants field', dataset: { path: 'variants' } },
    h('legend', null, 'Variants'),
    h(
      'p',
      { class: 'hint' },
      'In assignment order. Weights sum to 1 or to 100 (or leave them all empty for an equal split); exactly one control.',
    ),
    (definition.variants ?? [{ key: 'control', control: true }, { key: 'treatment' }]).map(
      (variant, index) => variantRow(variant, index),
    ),
  );
  const addVariant = h(
    'button',
    {
      type: 'button',
      class: 'secondary add-variant',
      on: {
        click: () => {
          const rows = variants.querySelectorAll('.variant-row');
          variants.append(variantRow({ key: '' }, rows.length));
        },
      },
    },
    'Add a variant',
  );
  const submit = h('button', { type: 'submit' }, editing ? 'Save changes' : 'Create draft');
  const form = h(
    'form',
    {
      class: 'experiment-form',
      novalidate: true,
      on: {
        submit: async (event) => {
          event.preventDefault();
          // Rows are renumbered so a removed row leaves no gap in the paths.
          [...form.querySelectorAll('.variant-row')].forEach((row, index) => {
            for (const cell of row.querySelectorAll('[data-path]')) {
              cell.dataset.path = cell.dataset.path.replace(/^variants\.\d+/, `variants.${index}`);
            }
          });
          // Fields the form does not show (a unit_table block) are left out of the patch, so
          // they stay as they are.
          const body = readForm(form, editing);
          submit.disabled = true;
          fill(status, notice('info', editing ? 'Saving…' : 'Creating…'));
          try {
            const saved = await apiJson(
              editing ? `/v1/experiments/${segment(experimentId)}` : '/v1/experiments',
              { method: editing ? 'PATCH' : 'POST', json: body },
            );
            showIssues(form, []);
            location.hash = `#/experiments/${segment(saved.experiment_id)}`;
          } catch (error) {
            const issues =
              error instanceof ApiError && Array.isArray(error.body?.issues)
                ? error.body.issues
                : error instanceof ApiError && typeof error.body?.path === 'string'
                  ? [{ path: error.body.path, message: error.message }]
                  : [];
            showIssues(form, issues);
            fill(status, notice('error', describeApiError(error)));
            form.querySelector('[aria-invalid="true"]')?.focus();
          } finally {
            submit.disabled = false;
          }
        },
      },
    },
    h('div', { class: 'form-errors field', dataset: { path: '' } }),
    plainFields.map((spec) =>
      field(spec, textOf(spec, definition[spec.path]), editing && spec.path === 'id'),
    ),
    variants,
    addVariant,
    h('div', { class: 'buttons' }, submit),
    status,
  );
  const title = editing ? `Edit ${experimentId}` : 'New experiment';
  fill(
    main,
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/' }, 'Experiments'),
      editing
        ? [' › ', h('a', { href: `#/experiments/${segment(experimentId)}` }, experimentId)]
        : null,
      ' › ',
      editing ? 'Edit' : 'New',
    ),
    h('h1', { tabindex: '-1' }, title),
    editing
      ? h(
          'p',
          { class: 'subtitle' },
          `Version ${experiment.version}, ${experiment.status}. Every change is kept in the audit log.`,
        )
      : h('p', { class: 'subtitle' }, 'A new experiment starts as a draft.'),
    form,
  );
  return title;
}
