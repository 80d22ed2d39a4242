/**
 * The regression models in words: the model-adjusted effect of a metric in one sentence, and
 * each model flag (docs/models.md) explained for a reader who has not read the docs.
 */
import type { ExperimentResult, ModelResult } from '../result/result-document.ts';
import { formatNumber, formatPoints, joinWords } from './report-format.ts';
import { confidenceLabel, shortName } from './report-words.ts';

const notFittedReasons: Readonly<Record<string, string>> = {
  no_units: 'there are no users',
  control_without_units: 'the control has no users',
  single_variant: 'only one variant has users',
  constant_outcome: 'every user has the same outcome',
  too_few_units: 'there are no more users than model terms',
  variant_collinear: 'the variant cannot be separated from the attributes',
  singular_information: 'the information matrix is singular',
  singular_design: 'the design matrix is singular',
};

/**
 * Explains one model flag in words.
 * @param flag - a flag such as `pooled_levels: geo (3 levels with fewer than 30 units into other)`
 * @returns a sentence; unknown flags are returned as they are
 * @example explainModelFlag('dropped_constant: site') // 'site was left out: ...'
 */
export function explainModelFlag(flag: string): string {
  const colon = flag.indexOf(':');
  const kind = colon < 0 ? flag : flag.slice(0, colon);
  const detail = colon < 0 ? '' : flag.slice(colon + 1).trim();
  switch (kind) {
    case 'ridge_fallback':
      return detail === 'separation'
        ? 'Some groups converted always or never (separation), so the plain fit does not exist; a ridge penalty (lambda = 1) keeps the coefficients finite and shrinks them slightly toward zero.'
        : 'The information matrix was singular, so a ridge penalty (lambda = 1) was used; coefficients are shrunk slightly toward zero.';
    case 'pooled_levels':
      return `Rare attribute levels were pooled: ${detail}.`;
    case 'dropped_constant':
      return `${detail} was left out: it has a single value among the analysed users.`;
    case 'dropped_nested':
      return `${detail} was left out: each of its levels lies within one level of another attribute, so it adds nothing the model can separate.`;
    case 'dropped_collinear':
      return `${detail} was left out: it is a combination of the columns before it (collinear).`;
    case 'variant_without_units':
      return `Variant ${detail} has no users, so its effect is n/a.`;
    case 'excluded_units':
      return `Users left out of this model because their outcome was not valid: ${detail}.`;
    case 'not_fitted': {
      const reason = notFittedReasons[detail] ?? detail;
      return `The model could not be fitted: ${reason}. Its estimates are n/a.`;
    }
    case 'cv_skipped':
      return 'Cross-validation was skipped: too few users (fewer than 5 in the smaller outcome class, or fewer than 10 in all).';
    case 'cv_ridge_fallback':
      return `Cross-validation folds that separated used the ridge fallback: ${detail}.`;
    case 'leakage':
      return `${detail}: this feature alone predicts the outcome almost perfectly, so it probably leaks the outcome and was left out.`;
    case 'lambda_cv':
      return `The ridge penalty lambda = ${detail} was chosen by the stratified 5-fold log loss.`;
    case 'not_requested':
      return `Left out because the training request did not name it: ${detail}.`;
    default:
      return flag;
  }
}

/**
 * The attributes a model adjusts for (every feature but the variant).
 * @param model - the model
 * @returns feature names
 * @example adjustedFor(model) // ['channel', 'device']
 */
export function adjustedFor(model: ModelResult): string[] {
  const fromImportance = model.feature_importance
    .map((f) => f.feature)
    .filter((f) => f !== 'variant');
  if (fromImportance.length > 0) return fromImportance;
  const names = new Set<string>();
  for (const { term } of model.coefficients) {
    const bracket = term.indexOf('[');
    if (bracket > 0 && !term.startsWith('variant[')) names.add(term.slice(0, bracket));
  }
  return [...names];
}

/**
 * Formats a model's treatment effect on its scale: percentage points for the logistic model
 * (a change in probability), the metric's units for the linear one.
 * @param model - the model
 * @param x - the effect
 * @returns the text
 * @example formatModelEffect(logistic, 0.0091) // '+0.91 pp'
 */
export function formatModelEffect(model: ModelResult, x: number | null): string {
  return model.model === 'logistic_regression' ? formatPoints(x) : formatNumber(x, 4, true);
}

/**
 * The model-adjusted effect of a metric in one sentence.
 * @param experiment - the experiment result (with its models)
 * @param metric - the metric name
 * @returns the sentence
 * @example modelAdjustedSentence(experiment, 'conversion')
 */
export function modelAdjustedSentence(experiment: ExperimentResult, metric: string | null): string {
  const model = experiment.models.find((m) => m.metric === metric);
  const name = shortName(metric ?? 'the primary metric');
  if (model === undefined) return `No regression model was fitted for ${name}.`;
  const notFitted = model.flags.find((f) => f.startsWith('not_fitted'));
  if (notFitted !== undefined)
    return explainModelFlag(notFitted).replace('The model', `The regression model for ${name}`);
  const level = confidenceLabel(experiment.alpha);
  const effects = model.treatment_effects.map((e) => {
    const [low, high] = e.ci;
    const excludesZero = low !== null && high !== null && (low > 0 || high < 0);
    const interval =
      low === null && high === null
        ? ''
        : ` (${level} interval ${formatModelEffect(model, low)} to ${formatModelEffect(model, high)}, which ${excludesZero ? 'excludes' : 'includes'} zero)`;
    return `${shortName(e.variant)} ${formatModelEffect(model, e.predicted_delta)}${interval}`;
  });
  const covariates = adjustedFor(model).map(shortName);
  const kind =
    model.model === 'logistic_regression'
      ? 'a logistic regression'
      : model.model === 'quasi_poisson_regression'
        ? 'a quasi-Poisson regression'
        : 'a linear regression';
  const adjusting =
    covariates.length === 0
      ? `With no attributes to adjust for, ${kind}`
      : `Adjusted for ${joinWords(covariates)}, ${kind}`;
  const scale =
    model.model === 'logistic_regression'
      ? 'in percentage points of probability'
      : `in units of ${name}`;
  if (effects.length === 0) return `${adjusting} estimated no treatment effect for ${name}.`;
  return `${adjusting} puts the effect on ${name} (${scale}) at: ${effects.join('; ')}.`;
}
