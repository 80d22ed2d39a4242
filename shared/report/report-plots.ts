/**
 * The charts a report saves as SVG files beside its PDF (`plots/<experiment_id>/<analysis_id>/`
 * in the artifacts bucket): per metric a forest plot of the relative lifts, the cumulative
 * lift by day with its interval when exposure times are known, and the sequential band (the
 * lift inside its confidence sequence, from the results by day) when there is one. Pure.
 */
import { createHash } from 'node:crypto';
import type { CumulativeLiftPoint } from '../analysis/cumulative-lift.ts';
import type { ExperimentResult } from '../result/result-document.ts';
import { forestRows } from './forest-rows.ts';
import { sequencePoints } from './sequence-points.ts';
import { bandChartSvg, forestPlotSvg, type SvgBandSeries } from './svg-charts.ts';

/** One chart: its file name (`forest-conversion.svg`) and its SVG text. */
export interface ReportPlot {
  readonly name: string;
  readonly svg: string;
}

/** What the charts are drawn from. */
export interface PlotInput {
  readonly experiment: Pick<ExperimentResult, 'metrics' | 'alpha' | 'by_day'>;
  /** Cumulative lift per (metric, treatment, day); empty when exposure times are unknown. */
  readonly cumulativeLift: readonly CumulativeLiftPoint[];
}

/**
 * A file name for a chart of a metric: the metric's name where it is safe in an object key,
 * else its safe characters and a short hash of the name, so two metrics never share a file.
 * @param kind - `forest`, `cumulative-lift` or `sequential`
 * @param metric - the metric's name
 * @returns e.g. `forest-conversion.svg`
 * @example plotFileName('forest', 'revenue') // 'forest-revenue.svg'
 */
export function plotFileName(kind: string, metric: string): string {
  const safe = metric.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  const tag =
    safe === metric ? '' : `-${createHash('sha256').update(metric).digest('hex').slice(0, 8)}`;
  return `${kind}-${safe}${tag}.svg`;
}

/**
 * Every chart of an analysis, in a fixed order: per metric (in the analysis's order) its
 * forest plot, its cumulative lift, its sequential band.
 * @param input - the analysis and its days
 * @returns the charts
 * @example reportPlots({ experiment, cumulativeLift: [] })[0]?.name // 'forest-conversion.svg'
 */
export function reportPlots(input: PlotInput): ReportPlot[] {
  const level = `${Number(((1 - input.experiment.alpha) * 100).toPrecision(6))}%`;
  return input.experiment.metrics.flatMap((metric): ReportPlot[] => {
    const plots: ReportPlot[] = [];
    if (metric.comparisons.some((c) => c.relative_lift !== null)) {
      plots.push({
        name: plotFileName('forest', metric.name),
        svg: forestPlotSvg(
          `Relative lift of ${metric.name} vs control (${level} intervals)`,
          forestRows(metric.comparisons),
        ),
      });
    }
    const days = input.cumulativeLift.filter((p) => p.metric === metric.name);
    if (days.length > 0) {
      plots.push({
        name: plotFileName('cumulative-lift', metric.name),
        svg: bandChartSvg(
          `Cumulative lift of ${metric.name} by day (${level} intervals)`,
          seriesOf(days, (p) => [p.ci_low, p.ci_high]),
          'Relative lift vs control',
        ),
      });
    }
    const sequence = sequencePoints(
      (input.experiment.by_day ?? []).filter((row) => row.metric === metric.name),
    );
    if (sequence.some((p) => p.ci_low !== null && p.ci_high !== null)) {
      plots.push({
        name: plotFileName('sequential', metric.name),
        svg: bandChartSvg(
          `Sequential band of ${metric.name}: the lift inside its confidence sequence`,
          seriesOf(sequence, (p) => [p.ci_low, p.ci_high]),
          'Relative lift vs control',
        ),
      });
    }
    return plots;
  });
}

function seriesOf(
  points: readonly CumulativeLiftPoint[],
  band: (point: CumulativeLiftPoint) => readonly [number | null, number | null],
): SvgBandSeries[] {
  const variants = [...new Set(points.map((p) => p.variant))];
  return variants.map((variant) => ({
    label: variant,
    points: points
      .filter((p) => p.variant === variant)
      .map((p) => {
        const [low, high] = band(p);
        return { date: p.date, value: p.relative_lift, low, high };
      })
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
  }));
}
