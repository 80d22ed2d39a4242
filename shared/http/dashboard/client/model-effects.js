/**
 * The model-adjusted effects: per treatment and metric, the regression-adjusted delta against
 * the control (a conversion-rate delta from the logistic model, a mean delta from the linear
 * one, a count delta from the quasi-Poisson one) and the relative lift, with intervals; then how well each model fits in
 * cross-validation, and its flags.
 */
import { h, numberCell, table } from './dom.js';
import { formatDifference, formatInterval, formatLift, formatNumber, missing } from './format.js';

const modelNames = {
  logistic_regression: 'Logistic regression',
  linear_regression: 'Linear regression (HC1)',
  quasi_poisson_regression: 'Quasi-Poisson regression (counts)',
};

function deltaType(model) {
  return model === 'logistic_regression' ? 'binomial' : 'continuous';
}

function fitText(cv) {
  const parts =
    cv.auc !== null || cv.log_loss !== null
      ? [`AUC ${formatNumber(cv.auc)}`, `log loss ${formatNumber(cv.log_loss)}`]
      : [`RMSE ${formatNumber(cv.rmse)}`, `R² ${formatNumber(cv.r2)}`];
  return `${parts.join(', ')} (${cv.folds}-fold)`;
}

/**
 * The model section.
 * @param {object | null} predictions - `GET /v1/model/predictions/{id}`, or null (no models yet)
 * @param {number} alpha - the analysis's alpha
 * @returns {HTMLElement} the section
 */
export function modelSection(predictions, alpha) {
  const heading = h('h2', { id: 'models-heading' }, 'Model-adjusted effects');
  const section = (...children) =>
    h('section', { class: 'models', 'aria-labelledby': 'models-heading' }, heading, ...children);
  if (predictions === null || predictions.models.length === 0) {
    return section(
      h('p', null, 'No models yet: they are trained after each analysis, in the background.'),
    );
  }
  const level = Math.round((1 - alpha) * 100);
  const effectRows = predictions.treatments.flatMap((treatment) =>
    treatment.effects.map((effect) => {
      const type = deltaType(effect.model);
      return [
        treatment.variant,
        effect.metric,
        modelNames[effect.model] ?? effect.model,
        numberCell(
          `${formatDifference(effect.predicted_delta, type)} ${formatInterval(effect.ci, (v) => formatDifference(v, type))}`,
          effect.predicted_delta,
          'predicted-delta',
        ),
        numberCell(
          effect.relative_lift === null
            ? missing
            : `${formatLift(effect.relative_lift)} ${formatInterval(effect.relative_lift_ci, formatLift)}`,
          effect.relative_lift,
          'relative-lift',
        ),
      ];
    }),
  );
  const fitRows = predictions.models.map((model) => [
    model.metric,
    modelNames[model.model] ?? model.model,
    fitText(model.cv),
    model.flags.length === 0 ? 'none' : model.flags.join(', '),
  ]);
  return section(
    h(
      'p',
      { class: 'lede' },
      `Regression on the variant and the users' attributes, against ${predictions.control ?? 'the control'}; ${level}% Wald intervals.`,
    ),
    table(
      'Predicted effect of each treatment',
      [
        'Variant',
        'Metric',
        'Model',
        `Predicted delta [${level}% CI]`,
        `Relative lift [${level}% CI]`,
      ],
      effectRows,
      { class: 'effects-table' },
    ),
    table(
      'Model fit in cross-validation',
      ['Metric', 'Model', 'Cross-validation', 'Flags'],
      fitRows,
      {
        class: 'compact',
      },
    ),
  );
}
