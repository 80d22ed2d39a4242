/**
 * Looking up a user's assignment (`GET /v1/experiments/{id}/assignment/{user_id}`): the
 * variant (or why there is none), the bucket and the variant's config. It only reads: no
 * exposure is recorded.
 */
import { apiJson, describeApiError, segment } from './api.js';
import { fill, h, notice } from './dom.js';

function answer(assignment) {
  const fact = (term, text, field) =>
    h('div', null, h('dt', null, term), h('dd', { dataset: { field } }, text));
  const variant =
    assignment.variant ??
    (assignment.status === 'running'
      ? 'none: outside the traffic allocation'
      : `none: the experiment is ${assignment.status}`);
  return h(
    'dl',
    { class: 'facts assignment' },
    fact('User', assignment.user_id, 'user'),
    fact('Variant', variant, 'variant'),
    fact('Bucket', String(assignment.bucket), 'bucket'),
    fact('Config', assignment.config === null ? '—' : JSON.stringify(assignment.config), 'config'),
  );
}

/**
 * The lookup section of an experiment.
 * @param {string} experimentId - the experiment
 * @returns {HTMLElement} the section
 */
export function assignmentSection(experimentId) {
  const result = h('div', { class: 'lookup-result', 'aria-live': 'polite' });
  const input = h('input', { id: 'lookup-user', name: 'user_id', type: 'text', required: true });
  const form = h(
    'form',
    {
      class: 'lookup-form',
      on: {
        submit: async (event) => {
          event.preventDefault();
          const userId = input.value;
          if (userId === '') {
            fill(result, notice('error', 'Type a user id first.'));
            input.focus();
            return;
          }
          try {
            const assignment = await apiJson(
              `/v1/experiments/${segment(experimentId)}/assignment/${segment(userId)}`,
            );
            fill(result, answer(assignment));
          } catch (error) {
            fill(result, notice('error', describeApiError(error)));
          }
        },
      },
    },
    h('label', { for: 'lookup-user' }, 'User id'),
    input,
    h('button', { type: 'submit' }, 'Look up'),
  );
  return h(
    'section',
    { class: 'lookup', 'aria-labelledby': 'lookup-heading' },
    h('h2', { id: 'lookup-heading' }, 'Assignment lookup'),
    form,
    result,
  );
}
