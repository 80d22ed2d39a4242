/**
 * A seeded pseudo-random source (sfc32, from PractRand's small fast counting generator) with
 * the few distributions the event generator needs. The same seed gives the same stream on
 * every machine.
 */

/** A seeded source of random numbers. */
export interface RandomSource {
  /** Uniform on [0, 1). */
  next(): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** An integer in [0, n). */
  int(n: number): number;
  /** A standard normal draw (Box-Muller). */
  normal(): number;
  /** A Poisson draw (Knuth's multiplication method; fine for small means). */
  poisson(mean: number): number;
  /** Picks from weighted options. */
  pick<T>(options: readonly (readonly [T, number])[]): T;
}

/**
 * Creates a seeded source.
 * @param seed - any integer
 * @returns the source
 * @example randomSource(42).next()
 */
export function randomSource(seed: number): RandomSource {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i += 1) next();
  return {
    next,
    chance: (p) => next() < p,
    int: (n) => Math.floor(next() * n),
    normal() {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    poisson(mean) {
      const limit = Math.exp(-mean);
      let k = 0;
      let product = next();
      while (product > limit) {
        k += 1;
        product *= next();
      }
      return k;
    },
    pick(options) {
      const total = options.reduce((sum, [, weight]) => sum + weight, 0);
      let target = next() * total;
      for (const [value, weight] of options) {
        target -= weight;
        if (target < 0) return value;
      }
      return (options.at(-1) as readonly [never, number])[0];
    },
  };
}
