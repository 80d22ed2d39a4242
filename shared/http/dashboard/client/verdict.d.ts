/**
 * Types of verdict.js (the dashboard's verdict card, plain JavaScript because it runs in the
 * browser), for the tests that import it.
 */

/** The P(beats control) at which the Bayesian verdict calls a treatment better (1 - it: worse). */
export declare const bayesianCall: number;

/** What leads a verdict card, and what it says. */
export interface VerdictLead {
  readonly by: 'frequentist' | 'bayesian';
  readonly tone: 'positive' | 'negative' | 'neutral';
  readonly headline: string;
}

/** The lead of one comparison's card: the frequentist test, or P(beats control). */
export declare function verdictLead(
  comparison: {
    readonly variant: string;
    readonly control: string;
    readonly significant: boolean;
    readonly relative_lift: number | null;
    readonly bayesian: { readonly prob_beat_control: number } | null;
  },
  metric: string,
  definition: { readonly algorithm?: { readonly type: string } } | null,
): VerdictLead;

/** The primary metric of an analysis. */
export declare function primaryMetric(summary: unknown, definition: unknown): unknown;

/** The verdict section. */
export declare function verdictSection(summary: unknown, definition: unknown): unknown;
