/**
 * Relative lift of the treatment over the control with a delta-method interval.
 */
import { normalCriticalValue } from './normal-distribution.ts';
import { symmetricInterval, type Interval } from './interval.ts';

/** Mean, per-unit variance and size of one arm, as the delta method needs them. */
export interface ArmEstimate {
  readonly n: number;
  readonly mean: number;
  /** Per-unit variance: p(1 - p) for a proportion, the sample variance (n - 1) for a mean. */
  readonly variance: number | null;
}

/** A relative lift and its interval; null where undefined. */
export interface RelativeLift {
  readonly lift: number | null;
  readonly interval: Interval | null;
}

/**
 * Relative lift mu_t / mu_c - 1 with the delta-method interval lift +/- z(1 - alpha/2) sqrt(var),
 * var = s_t^2 / (n_t mu_c^2) + mu_t^2 s_c^2 / (n_c mu_c^4) (first-order Taylor expansion of the
 * ratio of two independent means).
 * Source: Casella & Berger (2002), Statistical Inference, sec. 5.5.4 (delta method);
 * Deng, Knoblich & Lu (2018), "Applying the Delta Method in Metric Analytics", KDD, sec. 3.3.
 * @param control - the control's mean, variance and size
 * @param treatment - the treatment's mean, variance and size
 * @param alpha - significance level of the interval
 * @returns the lift (null when an arm is empty or mu_c = 0) and its interval (null also when a
 * variance is undefined)
 * @example relativeLift({ n: 1000, mean: 0.1, variance: 0.09 }, { n: 1000, mean: 0.13, variance: 0.1131 }, 0.1).lift // 0.30000000000000004
 */
export function relativeLift(
  control: ArmEstimate,
  treatment: ArmEstimate,
  alpha: number,
): RelativeLift {
  if (control.n < 1 || treatment.n < 1 || control.mean === 0) return { lift: null, interval: null };
  const lift = treatment.mean / control.mean - 1;
  if (!Number.isFinite(lift)) return { lift: null, interval: null };
  if (control.variance === null || treatment.variance === null) return { lift, interval: null };
  const muC2 = control.mean * control.mean;
  const variance =
    treatment.variance / (treatment.n * muC2) +
    (((treatment.mean * treatment.mean) / muC2) * control.variance) / (control.n * muC2);
  return {
    lift,
    interval: symmetricInterval(lift, normalCriticalValue(alpha), Math.sqrt(variance)),
  };
}
