/**
 * The decision a watched comparison supports at this look, from its confidence sequence (the
 * running intersection of the always-valid intervals): `ship` when the sequence lies on the
 * good side of 0, `stop: harm` when it lies on the bad side, `stop: futile` when it lies inside
 * the practical-effect band (every effect it still allows is too small to matter), else
 * `keep running`; with the reason in words.
 */

/** The four decisions. */
export const decisionActions = ['ship', 'stop: harm', 'stop: futile', 'keep running'] as const;

/** One of {@link decisionActions}. */
export type DecisionAction = (typeof decisionActions)[number];

/** A decision and why. */
export interface SequentialDecision {
  readonly action: DecisionAction;
  readonly reason: string;
}

/** What a decision is made from. */
export interface DecisionInput {
  readonly metric: string;
  readonly variant: string;
  /** The confidence sequence of the difference (running bounds), nulls before a valid look. */
  readonly ci: readonly [number | null, number | null];
  /** The always-valid p-value (running minimum). */
  readonly pValue: number | null;
  readonly alpha: number;
  readonly looks: number;
  /** Units of the comparison so far and planned. */
  readonly n: number;
  readonly nPlanned: number;
  /** Which direction of the difference is harm (default: a decrease). */
  readonly bad: 'increase' | 'decrease';
  /** The practical-effect band as differences (relative band times the control mean), or null. */
  readonly band: readonly [number, number] | null;
}

const format = (x: number): string => Number(x.toPrecision(4)).toString();

/**
 * Decides a comparison at a look.
 * Source: the confidence sequence's guarantee (Waudby-Smith et al. 2023; Howard et al. 2021):
 * with probability 1 - alpha it covers the true difference at every look, so a decision taken
 * whenever it excludes 0 (or leaves the band) keeps its error rate whatever the number of looks.
 * @param input - the sequence, the level, the looks and the band
 * @returns the action and its reason
 * @example sequentialDecision({ metric: 'conversion', variant: 'b', ci: [0.01, 0.03], pValue: 0.001, alpha: 0.05, looks: 3, n: 5000, nPlanned: 20000, bad: 'decrease', band: null }).action // 'ship'
 */
export function sequentialDecision(input: DecisionInput): SequentialDecision {
  const [low, high] = input.ci;
  const level = `${format((1 - input.alpha) * 100)}%`;
  const progress = `${input.n.toLocaleString('en-US')} of ${Math.round(input.nPlanned).toLocaleString('en-US')} planned users (${Math.round((100 * input.n) / input.nPlanned)}%)`;
  if (low === null || high === null) {
    return {
      action: 'keep running',
      reason: `no confidence sequence yet for ${input.metric} in ${input.variant} (an arm is empty or has no variance); ${progress}`,
    };
  }
  const sequence = `the ${level} confidence sequence of the difference in ${input.metric}, [${format(low)}, ${format(high)}]`;
  const after = `always-valid p = ${format(input.pValue ?? 1)} after ${input.looks} look${input.looks === 1 ? '' : 's'}`;
  const above = low > 0;
  const below = high < 0;
  if ((above && input.bad === 'increase') || (below && input.bad === 'decrease')) {
    return {
      action: 'stop: harm',
      reason: `${sequence}, lies ${above ? 'above' : 'below'} 0: ${input.variant} makes ${input.metric} worse (${after})`,
    };
  }
  if (above || below) {
    return {
      action: 'ship',
      reason: `${sequence}, lies ${above ? 'above' : 'below'} 0: ${input.variant} improves ${input.metric} (${after})`,
    };
  }
  if (input.band !== null && low >= input.band[0] && high <= input.band[1]) {
    return {
      action: 'stop: futile',
      reason: `${sequence}, lies inside the practical-effect band [${format(input.band[0])}, ${format(input.band[1])}]: whatever the effect, it is too small to matter (${after})`,
    };
  }
  return {
    action: 'keep running',
    reason: `${sequence}, still contains 0${input.band === null ? '' : ' and reaches outside the practical-effect band'}; ${progress}`,
  };
}

/**
 * The practical-effect band of a definition as differences: relative lifts times the control
 * mean ([-e, +e] for a number e).
 * @param practical - the definition's `practical_effect`, or undefined
 * @param controlMean - the control's mean at this look
 * @returns the band, or null without a setting or a control mean of 0
 * @example practicalBand(0.1, 0.05) // [-0.005, 0.005]
 */
export function practicalBand(
  practical: number | { readonly lower: number; readonly upper: number } | undefined,
  controlMean: number | null,
): readonly [number, number] | null {
  if (practical === undefined || controlMean === null || !(Math.abs(controlMean) > 0)) return null;
  const [lower, upper] =
    typeof practical === 'number' ? [-practical, practical] : [practical.lower, practical.upper];
  const scale = Math.abs(controlMean);
  return [lower * scale, upper * scale];
}
