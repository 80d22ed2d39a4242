/**
 * Thompson-sampling traffic allocation: each arm's share of new traffic is its probability of
 * being the best arm, mixed with a uniform floor so that no arm is starved of the data that
 * would correct a wrong early lead.
 */

/** Default minimum share of traffic per arm (1%). */
export const THOMPSON_FLOOR = 0.01;

/**
 * Allocation weights from the arms' probabilities of being best (`probabilityBest`):
 * w_i = floor + (1 - k floor) P_i / sum(P), so every arm gets at least `floor`, the weights sum
 * to 1, and the order of the probabilities is kept. With floor = 0 this is pure Thompson
 * sampling in expectation (randomised probability matching); the floor is the usual guard of a
 * production bandit (e.g. 1%).
 * Source: Thompson (1933), Biometrika 25(3/4); Scott (2010), "A modern Bayesian look at the
 * multi-armed bandit", Applied Stochastic Models in Business and Industry 26(6), sec. 3.
 * @param probabilities - each arm's probability of being best (>= 0, not all 0)
 * @param floor - minimum share per arm, in [0, 1 / k]; default {@link THOMPSON_FLOOR}
 * @returns the weights, in input order, summing to 1
 * @throws RangeError for no arms, a negative or non-finite probability, all probabilities 0, or
 * a floor outside [0, 1 / k]
 * @example thompsonAllocation([0.1, 0.9], 0.01) // [0.108, 0.892]
 */
export function thompsonAllocation(
  probabilities: readonly number[],
  floor = THOMPSON_FLOOR,
): number[] {
  const k = probabilities.length;
  if (k === 0) throw new RangeError('an allocation needs at least one arm');
  if (!probabilities.every((p) => p >= 0 && Number.isFinite(p))) {
    throw new RangeError('probabilities must be finite and >= 0');
  }
  if (!(floor >= 0 && floor * k <= 1)) throw new RangeError('floor must be in [0, 1 / arms]');
  const total = probabilities.reduce((sum, p) => sum + p, 0);
  if (!(total > 0)) throw new RangeError('probabilities must not all be 0');
  return probabilities.map((p) => floor + (1 - k * floor) * (p / total));
}
