/**
 * Sample ratio mismatch: are users split across variants as the experiment intended?
 */
import { chiSquareSf } from './chi-square-distribution.ts';

/** Threshold below which a sample ratio mismatch is flagged. */
export const SRM_P_VALUE_THRESHOLD = 0.001;

/** The goodness-of-fit test of the observed split. */
export interface SampleRatioMismatch {
  readonly statistic: number | null;
  readonly p_value: number | null;
  readonly flagged: boolean;
}

/**
 * Pearson chi-square goodness of fit of users per variant against expected shares (normalised
 * to sum 1): X^2 = sum (O_i - E_i)^2 / E_i, E_i = N share_i, k - 1 degrees of freedom; flagged
 * when p < 0.001. A variant with share 0 and no users drops out; one with share 0 but users is
 * a certain mismatch (statistic null, p 0, flagged). Fewer than two variants, no users, or
 * invalid shares give nulls and no flag.
 * Source: Pearson (1900); Fabijan et al. (2019), "Diagnosing Sample Ratio Mismatch in Online
 * Controlled Experiments", KDD; scipy.stats.chisquare(observed, f_exp).
 * @param observed - users per variant
 * @param expectedShares - intended weight per variant, same order (any positive scale)
 * @returns the statistic, p-value and flag
 * @example sampleRatioMismatch([26726, 28749], [0.5, 0.5]).p_value // 8.765971994222761e-18
 */
export function sampleRatioMismatch(
  observed: readonly number[],
  expectedShares: readonly number[],
): SampleRatioMismatch {
  const none: SampleRatioMismatch = { statistic: null, p_value: null, flagged: false };
  if (observed.length !== expectedShares.length) return none;
  if (expectedShares.some((s) => !(s >= 0 && Number.isFinite(s)))) return none;
  if (observed.some((o) => !(o >= 0 && Number.isFinite(o)))) return none;
  const totalShare = expectedShares.reduce((sum, s) => sum + s, 0);
  const users = observed.reduce((sum, o) => sum + o, 0);
  if (!(totalShare > 0) || users === 0) return none;
  if (observed.some((o, i) => o > 0 && expectedShares[i] === 0)) {
    return { statistic: null, p_value: 0, flagged: true };
  }
  let statistic = 0;
  let categories = 0;
  observed.forEach((o, i) => {
    if (expectedShares[i] === 0) return;
    const expected = (users * expectedShares[i]) / totalShare;
    statistic += ((o - expected) * (o - expected)) / expected;
    categories += 1;
  });
  if (categories < 2) return none;
  const pValue = chiSquareSf(statistic, categories - 1);
  return { statistic, p_value: pValue, flagged: pValue < SRM_P_VALUE_THRESHOLD };
}
