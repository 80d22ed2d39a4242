/**
 * Cohen's d standardized mean difference.
 */
import type { MeanMoments } from './mean-moments.ts';

/**
 * Cohen's d with the pooled standard deviation:
 * d = (mean_t - mean_c) / s_p, s_p^2 = ((n_t - 1) s_t^2 + (n_c - 1) s_c^2) / (n_t + n_c - 2)
 * = (M2_t + M2_c) / (n_t + n_c - 2).
 * Source: Cohen (1988), Statistical Power Analysis for the Behavioral Sciences, 2nd ed., eq. 2.5.2.
 * @param control - the control's moments
 * @param treatment - the treatment's moments
 * @returns d, or null when an arm is empty, n_t + n_c < 3 or the pooled sd is 0
 * @example cohensD(momentsOf([1, 2, 3]), momentsOf([2, 3, 4])) // 1
 */
export function cohensD(control: MeanMoments, treatment: MeanMoments): number | null {
  if (control.n < 1 || treatment.n < 1) return null;
  const df = control.n + treatment.n - 2;
  if (df < 1) return null;
  const pooledSd = Math.sqrt((control.m2 + treatment.m2) / df);
  const d = (treatment.mean - control.mean) / pooledSd;
  return pooledSd > 0 && Number.isFinite(d) ? d : null;
}
