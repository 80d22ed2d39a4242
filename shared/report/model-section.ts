/**
 * The model-adjusted effects, for an analyst: per model the treatment effects with intervals,
 * the coefficients (estimate, standard error, p-value), cross-validation, feature importance
 * as bars, and every flag explained in words.
 */
import type { ModelResult } from '../result/result-document.ts';
import { explainModelFlag, formatModelEffect, modelAdjustedSentence } from './model-words.ts';
import { oneLine } from './pdf-safe-text.ts';
import type { ReportCanvas } from './report-canvas.ts';
import { formatCount, formatInterval, formatNumber, formatPValue } from './report-format.ts';
import type { ReportInput } from './report-input.ts';
import { COLOR, SIZE } from './report-style.ts';
import { drawTable } from './report-table.ts';
import { confidenceLabel } from './report-words.ts';

const modelNames: Readonly<Record<ModelResult['model'], string>> = {
  logistic_regression: 'logistic regression (Newton/IRLS, Wald z)',
  linear_regression: 'linear regression (least squares, HC1 robust errors)',
  quasi_poisson_regression: 'quasi-Poisson regression (log link, IRLS, Pearson dispersion)',
};

/**
 * Draws the models section at the cursor.
 * @param canvas - the report canvas
 * @param input - the report input
 * @example drawModelSection(canvas, input)
 */
export function drawModelSection(canvas: ReportCanvas, input: ReportInput): void {
  const { experiment } = input;
  canvas.heading('Model-adjusted effects', 1, 200);
  if (experiment.models.length === 0) {
    canvas.paragraph('No regression models were fitted for this analysis.');
    return;
  }
  canvas.paragraph(
    'Each metric is regressed on the variant and the user attributes (one-hot, the first level ' +
      'in sorted order as reference). The treatment effect is the average over all users of ' +
      'the prediction as the treatment minus the prediction as the control.',
  );
  const level = confidenceLabel(experiment.alpha);
  for (const model of experiment.models) {
    canvas.heading(`${oneLine(model.metric)}: ${modelNames[model.model]}`, 2, 90);
    canvas.paragraph(modelAdjustedSentence(experiment, model.metric));
    canvas.paragraph('Treatment effects:', { font: 'bold' }, 0, 3);
    if (model.treatment_effects.length === 0) canvas.paragraph('None: there is no treatment.');
    else
      drawTable(canvas, {
        columns: [
          { header: 'Treatment', width: 200 },
          {
            header: model.model === 'logistic_regression' ? 'Effect (probability)' : 'Effect',
            width: 110,
            align: 'right',
          },
          { header: `${level} interval`, width: 185, align: 'right' },
        ],
        rows: model.treatment_effects.map((e) => [
          e.variant,
          formatModelEffect(model, e.predicted_delta),
          formatInterval(e.ci, (x) => formatModelEffect(model, x)),
        ]),
        maxLines: 2,
      });
    canvas.ensureSpace(60);
    canvas.paragraph('Coefficients (Wald z p-values):', { font: 'bold' }, 0, 3);
    drawTable(canvas, {
      columns: [
        { header: 'Term', width: 215 },
        {
          header: model.model === 'logistic_regression' ? 'Estimate (log-odds)' : 'Estimate',
          width: 100,
          align: 'right',
        },
        { header: 'Std. error', width: 90, align: 'right' },
        { header: 'p-value', width: 90, align: 'right' },
      ],
      rows: model.coefficients.map((c) => [
        c.term,
        formatNumber(c.estimate, 4, true),
        formatNumber(c.std_error),
        formatPValue(c.p_value),
      ]),
      maxLines: 2,
    });
    canvas.paragraph(crossValidationText(model));
    drawImportance(canvas, model);
    const flags =
      model.flags.length === 0
        ? ['None: the fit needed no adjustment.']
        : model.flags.map(explainModelFlag);
    canvas.paragraph('Flags:', { font: 'bold' }, 0, 2);
    for (const flag of flags) canvas.bullet(flag);
  }
}

function crossValidationText(model: ModelResult): string {
  const { cv } = model;
  if (cv.folds === 0) return 'Cross-validation: not run (see the flags).';
  const scores =
    model.model === 'logistic_regression'
      ? `AUC ${formatNumber(cv.auc, 3)} (0.5 = no better than chance), log loss ${formatNumber(cv.log_loss)}`
      : `RMSE ${formatNumber(cv.rmse)}, R2 ${formatNumber(cv.r2, 3)} (0 = no better than the mean)`;
  return `Cross-validation (${formatCount(cv.folds)} folds, out-of-fold predictions): ${scores}.`;
}

function drawImportance(canvas: ReportCanvas, model: ModelResult): void {
  const features = model.feature_importance;
  if (features.length === 0) return;
  const rowHeight = 13;
  canvas.ensureSpace(16 + rowHeight * Math.min(features.length, 4));
  canvas.paragraph(
    `Feature importance (sd of the feature's contribution to the linear predictor, ${model.model === 'logistic_regression' ? 'log-odds' : 'metric units'}):`,
    { font: 'bold' },
    0,
    3,
  );
  const largest = Math.max(...features.map((f) => f.importance), 1e-12);
  const labelWidth = 150;
  const valueWidth = 60;
  const barWidth = canvas.width - labelWidth - valueWidth - 16;
  const style = { size: SIZE.table } as const;
  for (const feature of features) {
    canvas.ensureSpace(rowHeight);
    const y = canvas.y;
    canvas.drawText(
      canvas.fitLine(feature.feature, labelWidth, style),
      canvas.left,
      y + 1,
      labelWidth,
      style,
      12,
    );
    const width = Math.max(0.5, (feature.importance / largest) * barWidth);
    canvas.doc
      .rect(canvas.left + labelWidth + 8, y + 1.5, width, rowHeight - 5)
      .fill(feature.feature === 'variant' ? COLOR.neutral : '#9aa5b1');
    canvas.drawText(
      formatNumber(feature.importance),
      canvas.right - valueWidth,
      y + 1,
      valueWidth,
      { ...style, align: 'right' },
      12,
    );
    canvas.y += rowHeight;
  }
  canvas.y += 6;
}
