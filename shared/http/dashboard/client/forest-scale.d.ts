/**
 * Types of forest-scale.js (the forest plot's scale, plain JavaScript because it runs in the
 * browser), for the tests that import it.
 */

/** What the scale reads of a comparison. */
export interface ScaledComparison {
  readonly relative_lift: number | null;
  readonly relative_lift_ci: readonly (number | null)[];
}

/** The domain, the distance between ticks, and the ticks of a plot. */
export declare function forestScale(comparisons: readonly ScaledComparison[]): {
  min: number;
  max: number;
  step: number;
  ticks: number[];
};

/** A tick's label: `+20%`, `−2.5%`, `0%`. */
export declare function tickLabel(value: number, step: number): string;
