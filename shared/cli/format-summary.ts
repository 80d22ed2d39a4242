/**
 * The readable (non-JSON) output of `abtest run`: each batch in a line with its first errors,
 * then per experiment the data, the sample-ratio check, and per metric a table of variant,
 * users, mean with interval, lift with interval, p-value, adjusted p-value and P(beat control),
 * then each treatment's sequential decision; and the plan (planned users, current MDE, days left).
 */
import type { ExperimentResult, MetricResult, ResultDocument } from '../result/result-document.ts';

const shownErrors = 5;

/**
 * Renders the result document for a terminal.
 * @param document - the result document
 * @returns lines of text ending in a newline
 * @example process.stdout.write(formatSummary(document))
 */
export function formatSummary(document: ResultDocument): string {
  const out: string[] = [];
  for (const batch of document.batches) {
    out.push(
      `${batch.source}: ${batch.status}, ${count(batch.accepted)} accepted, ${count(batch.rejected)} rejected, ${count(batch.duplicates)} duplicates  (batch ${batch.batch_id})`,
    );
    for (const error of batch.errors.slice(0, shownErrors)) {
      const where = [error.line === null ? null : `line ${error.line}`, error.column]
        .filter(Boolean)
        .join(', ');
      out.push(
        `  ${where === '' ? '' : `${where}: `}${error.reason}${error.value === null ? '' : ` (${JSON.stringify(error.value)})`}`,
      );
    }
    if (batch.errors.length > shownErrors)
      out.push(`  ... and ${count(batch.rejected - shownErrors)} more`);
  }
  for (const experiment of document.experiments) out.push('', ...experimentLines(experiment));
  return `${out.join('\n')}\n`;
}

function experimentLines(experiment: ExperimentResult): string[] {
  const lines = [
    `Experiment ${experiment.experiment_id}  (analysis ${experiment.analysis_id}, alpha ${experiment.alpha})`,
    `  ${count(experiment.data.users)} users analysed from ${count(experiment.data.events)} events; ${count(experiment.data.excluded_users.multiple_variants)} excluded (exposed to more than one variant)`,
    `  Sample ratio: ${Object.entries(experiment.srm.observed)
      .map(([v, n]) => `${v} ${count(n)}`)
      .join(
        ', ',
      )}; p = ${pValue(experiment.srm.p_value)}${experiment.srm.flagged ? '  ** SAMPLE RATIO MISMATCH: do not trust these results **' : ''}`,
  ];
  for (const metric of experiment.metrics) {
    for (const c of metric.comparisons.filter((c) => c.guardrail_harmed === true)) {
      lines.push(
        `  ** GUARDRAIL HARMED: ${c.variant} moved ${metric.name} ${percent(c.relative_lift)} (adj. p = ${pValue(c.p_value_adjusted)}) **`,
      );
    }
  }
  const planning = experiment.planning;
  if (planning !== undefined) {
    lines.push(
      `  Plan: ${count(planning.planned_users)} users (${planning.planned_users_source === 'definition' ? 'from the definition' : planning.planned_users_source === 'power' ? `${percent(planning.mde, false)} MDE of ${planning.metric ?? 'the primary metric'} at ${percent(planning.power, false)} power` : 'the users so far'}); the current sample detects ${percent(planning.current_mde, false)}${planning.days_left === null ? '' : `; ${count(planning.days_left)} days left at ${count(Math.round(planning.daily_users ?? 0))} users a day`}`,
    );
  }
  for (const metric of experiment.metrics) lines.push('', ...metricTable(metric));
  if (experiment.allocation !== null) {
    lines.push(
      '',
      `  P(best) on ${experiment.allocation.metric} and recommended weights (floor ${percent(experiment.allocation.floor, false)}): ${experiment.allocation.arms
        .map(
          (arm) =>
            `${arm.variant} ${percent(arm.probability_best, false)} -> ${percent(arm.weight, false)}`,
        )
        .join('; ')}`,
    );
  }
  for (const model of experiment.models) {
    const effects = model.treatment_effects
      .map(
        (effect) =>
          `${effect.variant} ${signed(effect.predicted_delta)} [${fixed(effect.ci[0])}, ${fixed(effect.ci[1])}]`,
      )
      .join('; ');
    lines.push(
      '',
      `  Adjusted ${model.metric} (${model.model.replace('_', ' ')}): ${effects}${model.flags.length > 0 ? `  flags: ${model.flags.join(', ')}` : ''}`,
    );
  }
  if (experiment.report !== null) {
    lines.push('', `  Report: ${experiment.report.pdf}`, `  CSV:    ${experiment.report.csv}`);
  }
  return lines;
}

function metricTable(metric: MetricResult): string[] {
  const header = [
    'variant',
    'users',
    `mean [${metric.type === 'binomial' ? 'Wilson' : metric.type === 'ratio' ? 'z' : 't'} CI]`,
    'lift [CI]',
    'p-value',
    'adj. p',
    'P(beat)',
  ];
  const rows = metric.variants.map((variant) => {
    const comparison = metric.comparisons.find((c) => c.variant === variant.variant);
    return [
      `${variant.variant}${variant.is_control ? ' (control)' : ''}`,
      count(variant.users),
      `${fixed(variant.mean)} [${fixed(variant.ci_low)}, ${fixed(variant.ci_high)}]`,
      comparison === undefined
        ? ''
        : `${percent(comparison.relative_lift)} [${percent(comparison.relative_lift_ci[0])}, ${percent(comparison.relative_lift_ci[1])}]`,
      comparison === undefined ? '' : pValue(comparison.p_value),
      comparison === undefined
        ? ''
        : `${pValue(comparison.p_value_adjusted)}${comparison.significant ? ' *' : ''}`,
      comparison?.bayesian ? percent(comparison.bayesian.prob_beat_control, false) : '',
    ];
  });
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const render = (cells: readonly string[]) =>
    `    ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`;
  const cuped = metric.comparisons.flatMap((c) =>
    c.cuped === null
      ? []
      : [
          `    CUPED ${c.variant}: ${signed(c.cuped.difference)} [${fixed(c.cuped.difference_ci[0])}, ${fixed(c.cuped.difference_ci[1])}], p = ${pValue(c.cuped.p_value)}, variance removed ${percent(c.cuped.variance_reduction, false)} (plain ${signed(c.difference)} [${fixed(c.difference_ci[0])}, ${fixed(c.difference_ci[1])}])`,
        ],
  );
  const decisions = metric.comparisons.flatMap((c) =>
    c.sequential === undefined || c.decision === undefined
      ? []
      : [
          `    ${c.variant}: ${c.decision.action.toUpperCase()}; sequential [${fixed(c.sequential.ci[0])}, ${fixed(c.sequential.ci[1])}], always-valid p = ${pValue(c.sequential.p_value)} after ${count(c.sequential.looks)} look${c.sequential.looks === 1 ? '' : 's'}`,
        ],
  );
  return [
    `  ${metric.name} (${metric.type})`,
    render(header),
    ...rows.map(render),
    ...cuped,
    ...decisions,
  ];
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function fixed(x: number | null): string {
  if (x === null) return 'n/a';
  const magnitude = Math.abs(x);
  return x.toFixed(magnitude >= 100 ? 2 : magnitude >= 1 ? 3 : 4);
}

function signed(x: number | null): string {
  return x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${fixed(x)}`;
}

function percent(x: number | null, sign = true): string {
  if (x === null) return 'n/a';
  return `${sign && x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

function pValue(p: number | null): string {
  if (p === null) return 'n/a';
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}
