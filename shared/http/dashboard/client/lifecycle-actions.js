/**
 * Moving an experiment through its lifecycle: one button per state it may move to now (the
 * API's `allowed_transitions`), each asking for a confirmation in a dialog of the page (with an
 * optional reason, kept in the audit log) before `PUT /v1/experiments/{id}/status`. A refusal
 * shows the API's message in the dialog.
 */
import { apiJson, describeApiError, segment } from './api.js';
import { fill, h, notice } from './dom.js';

/** The button of each move, by the state it leads to (and the state it leaves). */
function verb(from, to) {
  if (to === 'running') return from === 'paused' ? 'Resume' : 'Start';
  return { paused: 'Pause', completed: 'Complete', archived: 'Archive', draft: 'Back to draft' }[
    to
  ];
}

/** What a move does, in one sentence, for the confirmation. */
function consequence(to) {
  return {
    running: 'Users will be assigned, and its variants, weights and salt will be frozen.',
    paused: 'No user will be assigned until it is resumed.',
    completed: 'No user will be assigned any more; the analysis keeps its data.',
    archived: 'It becomes final: it can move nowhere after this.',
  }[to];
}

/**
 * The lifecycle section of an experiment.
 * @param {object} experiment - the experiment as the API shows it
 * @param {(message: HTMLElement) => void} onMoved - called after a move, with a notice
 * @returns {HTMLElement} the section
 */
export function lifecycleSection(experiment, onMoved) {
  const { experiment_id: id, status } = experiment;
  const reason = h('textarea', { id: 'move-reason', name: 'reason', rows: 2 });
  const question = h('p', { class: 'question' });
  const effect = h('p', { class: 'hint' });
  const dialogStatus = h('div', { class: 'dialog-status', 'aria-live': 'assertive' });
  const confirm = h('button', { type: 'submit', class: 'confirm-move' }, 'Confirm');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  let target = null;
  const dialog = h(
    'dialog',
    { class: 'confirm-dialog', 'aria-labelledby': 'move-title' },
    h(
      'form',
      {
        method: 'dialog',
        on: {
          submit: async (event) => {
            event.preventDefault();
            confirm.disabled = true;
            try {
              const moved = await apiJson(`/v1/experiments/${segment(id)}/status`, {
                method: 'PUT',
                json: { status: target, reason: reason.value.trim() === '' ? null : reason.value },
              });
              dialog.close();
              onMoved(
                notice('success', `${id} is now ${moved.status} (version ${moved.version}).`),
              );
            } catch (error) {
              fill(dialogStatus, notice('error', describeApiError(error)));
            } finally {
              confirm.disabled = false;
            }
          },
        },
      },
      h('h2', { id: 'move-title' }, 'Change the status'),
      question,
      effect,
      h('label', { for: 'move-reason' }, 'Reason (kept in the audit log, optional)'),
      reason,
      dialogStatus,
      h('div', { class: 'buttons' }, confirm, cancel),
    ),
  );
  cancel.addEventListener('click', () => dialog.close());
  const buttons = experiment.allowed_transitions.map((to) =>
    h(
      'button',
      {
        type: 'button',
        class: 'move',
        dataset: { to },
        on: {
          click: () => {
            target = to;
            question.textContent = `Move ${id} from ${status} to ${to}?`;
            effect.textContent = consequence(to) ?? '';
            reason.value = '';
            fill(dialogStatus);
            dialog.showModal();
            reason.focus();
          },
        },
      },
      verb(status, to),
    ),
  );
  return h(
    'section',
    { class: 'lifecycle', 'aria-labelledby': 'lifecycle-heading' },
    h('h2', { id: 'lifecycle-heading' }, 'Lifecycle'),
    h(
      'p',
      null,
      'Status: ',
      h('span', { class: `status ${status}`, dataset: { field: 'lifecycle-status' } }, status),
      ` · version ${experiment.version}`,
      experiment.started_at === null ? '' : ' · has run: variants, weights and salt are frozen',
    ),
    buttons.length === 0
      ? h('p', { class: 'hint' }, `${status} is final.`)
      : h('div', { class: 'buttons' }, buttons),
    h(
      'p',
      null,
      h('a', { href: `#/experiments/${segment(id)}/edit`, class: 'edit' }, 'Edit the definition'),
    ),
    dialog,
  );
}
