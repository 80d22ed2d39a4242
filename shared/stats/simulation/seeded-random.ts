/**
 * A small, fast, seeded pseudo-random generator for simulations (never for ids or security):
 * xoshiro128** seeded through splitmix32, 53-bit uniforms, normal and log-normal variates.
 */

/** A seeded stream of random variates. */
export interface SeededRandom {
  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number;
  /** Standard normal (Marsaglia's polar method). */
  normal(): number;
  /** Uniform integer in [low, high]. */
  integer(low: number, high: number): number;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a seeded generator: the same seed always gives the same stream.
 * Source: Blackman & Vigna (2021), "Scrambled linear pseudorandom number generators", ACM TOMS
 * 47(4) (xoshiro128**); Marsaglia & Bray (1964), SIAM Review 6(3) (polar method).
 * @param seed - any 32-bit integer
 * @returns the generator
 * @example createSeededRandom(42).uniform() // the same number on every run
 */
export function createSeededRandom(seed: number): SeededRandom {
  const next32 = splitmix32(seed);
  const s = Uint32Array.of(next32(), next32(), next32(), next32() | 1);
  const nextUint32 = (): number => {
    const result = Math.imul(((Math.imul(s[1], 5) << 7) | (Math.imul(s[1], 5) >>> 25)) >>> 0, 9);
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 11) | (s[3] >>> 21);
    return result >>> 0;
  };
  let spare: number | null = null;
  const uniform = (): number =>
    ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992;
  return {
    uniform,
    normal(): number {
      if (spare !== null) {
        const value = spare;
        spare = null;
        return value;
      }
      for (;;) {
        const u = 2 * uniform() - 1;
        const v = 2 * uniform() - 1;
        const r = u * u + v * v;
        if (r > 0 && r < 1) {
          const factor = Math.sqrt((-2 * Math.log(r)) / r);
          spare = v * factor;
          return u * factor;
        }
      }
    },
    integer(low: number, high: number): number {
      return low + Math.floor(uniform() * (high - low + 1));
    },
  };
}
