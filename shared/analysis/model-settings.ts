/**
 * What a definition says about the models (docs/models.md): the penalty of the logistic fits,
 * which attributes enter as numbers and which one-hot, and whether `recency_days` and
 * `frequency` are derived from the events. Without these settings every attribute is
 * categorical and the fits are unpenalised: today's models.
 */
import type { ExperimentDefinition } from './experiment-definition.ts';

/** The numeric covariates `derived_covariates: true` adds, in this order. */
export const derivedCovariateNames: readonly string[] = ['recency_days', 'frequency'];

/** The look-back of derived covariates when the definition gives none (days). */
export const defaultLookbackDays = 14;

/** The models' settings with every default filled in. */
export interface ModelSettings {
  /** `none`: maximum likelihood; `ridge`: lambda / 2 times the squared coefficients. */
  readonly penalty: 'none' | 'ridge';
  /** The ridge lambda, or `cv` to pick it by cross-validation; null without a penalty. */
  readonly lambda: number | 'cv' | null;
  /** Attributes entering as numbers (derived ones last); empty by default. */
  readonly numeric: readonly string[];
  /** Attributes entering one-hot; null: every attribute that is not numeric. */
  readonly categorical: readonly string[] | null;
  /** Whether `recency_days` and `frequency` are derived from the events. */
  readonly derived: boolean;
  /** The look-back window of the derived covariates, in days. */
  readonly lookbackDays: number;
}

/**
 * The model settings of a definition.
 * @param definition - the definition, or undefined
 * @returns the settings, defaults filled in
 * @example modelSettings(undefined).penalty // 'none'
 */
export function modelSettings(
  definition: Pick<ExperimentDefinition, 'model' | 'covariates' | 'derived_covariates'> | undefined,
): ModelSettings {
  const penalty = definition?.model?.penalty ?? 'none';
  const derived = definition?.derived_covariates === true;
  // Issue 13's CUPED look-back, when the definition has one, is the derived covariates' window.
  const lookback = (definition as { cuped_lookback_days?: unknown } | undefined)
    ?.cuped_lookback_days;
  return {
    penalty,
    lambda: penalty === 'ridge' ? (definition?.model?.lambda ?? 'cv') : null,
    numeric: [
      ...(definition?.covariates?.numeric ?? []),
      ...(derived ? derivedCovariateNames : []),
    ],
    categorical: definition?.covariates?.categorical ?? null,
    derived,
    lookbackDays: typeof lookback === 'number' && lookback > 0 ? lookback : defaultLookbackDays,
  };
}
