/**
 * The planning form: a binomial (baseline rate) or continuous (mean, sd) metric, the relative
 * MDE to detect or the total users available, the arms, the split and the daily traffic, sent
 * to `POST /v1/plan`; the answer (users per arm and in all, or the MDE, and the days needed) or
 * the API's message naming the field at fault.
 */
import { apiJson, describeApiError } from './api.js';
import { fill, h, notice } from './dom.js';
import { formatCount, formatLift } from './format.js';

const fields = [
  ['baseline', 'Baseline rate (binomial)', '0.05'],
  ['mean', 'Mean (continuous)', ''],
  ['sd', 'Standard deviation (continuous)', ''],
  ['mde', 'Relative MDE to detect', '0.05'],
  ['users', 'or: total users available', ''],
  ['arms', 'Arms (control included)', '2'],
  ['ratio', 'Treatment users per control user', '1'],
  ['daily_users', 'Users a day', ''],
];

function answer(plan) {
  const lines = [
    plan.solved_for === 'mde'
      ? `Minimum detectable effect: ${plan.relative_mde === null ? 'none (the sample cannot reach the power)' : formatLift(plan.relative_mde).replace('+', '')} relative.`
      : `Control users: ${formatCount(plan.control_users)}; per treatment: ${formatCount(plan.treatment_users)}; in all: ${formatCount(plan.total_users)}.`,
    `Each treatment tested at α = ${plan.alpha_per_comparison} (Bonferroni), power ${Math.round(plan.power * 100)}%.`,
  ];
  if (plan.days_needed !== null) lines.push(`Days needed: ${formatCount(plan.days_needed)}.`);
  return h(
    'div',
    { class: 'plan-answer', dataset: { field: 'plan' } },
    lines.map((line) => h('p', null, line)),
  );
}

/**
 * The planning section.
 * @returns {HTMLElement} the section with its form
 */
export function planSection() {
  const output = h('div', { 'aria-live': 'polite' });
  const metric = h(
    'select',
    { name: 'metric', id: 'plan-metric' },
    h('option', { value: 'binomial' }, 'binomial (a rate)'),
    h('option', { value: 'continuous' }, 'continuous (a mean)'),
  );
  const inputs = fields.map(([name, label, value]) =>
    h(
      'label',
      null,
      label,
      h('input', { name, type: 'number', step: 'any', value, id: `plan-${name}` }),
    ),
  );
  const form = h(
    'form',
    { class: 'plan-form' },
    h('label', null, 'Metric', metric),
    inputs,
    h('button', { type: 'submit' }, 'Plan'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const request = { metric: metric.value };
    for (const [name] of fields) {
      const input = form.elements.namedItem(name);
      if (input.value.trim() !== '') request[name] = Number(input.value);
    }
    if (request.users !== undefined) delete request.mde;
    if (request.metric === 'binomial') {
      delete request.mean;
      delete request.sd;
    } else delete request.baseline;
    apiJson('/v1/plan', { method: 'POST', json: request }).then(
      (plan) => fill(output, answer(plan)),
      (error) => fill(output, notice('error', describeApiError(error))),
    );
  });
  return h(
    'section',
    { class: 'plan', 'aria-labelledby': 'plan-heading' },
    h('h2', { id: 'plan-heading' }, 'Plan an experiment'),
    h('p', null, 'The users to detect a relative change, or the change a sample can detect.'),
    form,
    output,
  );
}
