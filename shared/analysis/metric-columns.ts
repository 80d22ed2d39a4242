/**
 * The per-user columns a definition's settings need beside the value metrics, read from the
 * per-user frame: each ratio metric's numerator and denominator, and each CUPED metric's
 * covariate (its value before exposure, or for a unit table the column named in `covariate`).
 */
import pl from 'nodejs-polars';
import { ValidationError } from '../errors/errors.ts';
import {
  attributePrefix,
  covariatePrefix,
  denominatorPrefix,
  float64Column,
  metricPrefix,
  numeratorPrefix,
} from './build-user-table.ts';
import type { ExperimentDefinition } from './experiment-definition.ts';
import { metricOrder, metricSettings, ratioSpecs, segmentSettings } from './metric-settings.ts';
import type { AnalysisOptions } from './summarize-experiment.ts';

/**
 * The analysis options of a definition over a per-user frame.
 * @param frame - the per-user frame (events or a unit table)
 * @param definition - the definition, or undefined
 * @param valueMetrics - the names of the table's value metrics
 * @returns the options for `summarizeExperiment`
 * @throws {ValidationError} when a unit table's covariate column is missing or not numeric
 * @example analysisOptions(users.frame, definition, ['conversion', 'revenue'])
 */
export function analysisOptions(
  frame: pl.DataFrame,
  definition: ExperimentDefinition | undefined,
  valueMetrics: readonly string[],
): AnalysisOptions {
  const columns = new Set(frame.columns);
  const settings = metricSettings(definition);
  const ratios = ratioSpecs(definition).flatMap((ratio) => {
    const numerator = `${numeratorPrefix}${ratio.name}`;
    const denominator = `${denominatorPrefix}${ratio.name}`;
    if (!columns.has(numerator) || !columns.has(denominator)) return [];
    return [
      {
        name: ratio.name,
        numerator: float64Column(frame.getColumn(numerator)),
        denominator: float64Column(frame.getColumn(denominator)),
      },
    ];
  });
  const covariates = new Map<string, Float64Array>();
  for (const name of valueMetrics) {
    const cuped = settings.get(name)?.cuped;
    if (cuped == null) continue;
    const column = covariateColumn(frame, columns, name, cuped.covariate);
    if (column !== undefined) covariates.set(name, column);
  }
  return {
    order: metricOrder(definition, valueMetrics),
    settings,
    ratios,
    covariates,
    segments: segmentSettings(definition),
    primaryMetric: definition?.primary_metric,
  };
}

function covariateColumn(
  frame: pl.DataFrame,
  columns: ReadonlySet<string>,
  metric: string,
  covariate: string | null,
): Float64Array | undefined {
  if (columns.has(`${covariatePrefix}${metric}`)) {
    return float64Column(frame.getColumn(`${covariatePrefix}${metric}`));
  }
  if (covariate === null) return undefined;
  const source = [`${metricPrefix}${covariate}`, `${attributePrefix}${covariate}`].find((c) =>
    columns.has(c),
  );
  if (source === undefined) {
    throw new ValidationError(
      `metric ${metric}: the covariate column "${covariate}" is not in the unit table`,
      422,
    );
  }
  const values = float64Column(
    frame.getColumn(source).cast(pl.Utf8).str.strip().cast(pl.Float64, false),
  );
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new ValidationError(
      `metric ${metric}: the covariate column "${covariate}" is not a number on unit row ${bad + 1}`,
      422,
    );
  }
  return values;
}
