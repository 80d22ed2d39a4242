/**
 * A second MurmurHash3 x86_32, written for the tests from Austin Appleby's reference
 * (smhasher src/MurmurHash3.cpp, MurmurHash3_x86_32) with Math.imul, over bytes from Node's
 * own UTF-8 encoder (Buffer.from(text, 'utf8')), so the tests check the implementation
 * against code that shares nothing with it; and the assignment rule, evaluated literally as
 * the issue states it.
 */

/**
 * MurmurHash3_x86_32 of some bytes.
 * @param bytes - the key
 * @param seed - the seed
 * @returns the unsigned 32-bit hash
 */
export function murmur3Reference(bytes: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  let h1 = seed | 0;
  const blocks = Math.floor(bytes.length / 4);
  for (let i = 0; i < blocks; i += 1) {
    const o = i * 4;
    let k1 =
      (bytes[o] ?? 0) |
      ((bytes[o + 1] ?? 0) << 8) |
      ((bytes[o + 2] ?? 0) << 16) |
      ((bytes[o + 3] ?? 0) << 24);
    k1 = Math.imul(k1, c1);
    k1 = rotl(k1, 15);
    k1 = Math.imul(k1, c2);
    h1 ^= k1;
    h1 = rotl(h1, 13);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  let k1 = 0;
  const rest = bytes.length & 3;
  if (rest >= 3) k1 ^= (bytes[tail + 2] ?? 0) << 16;
  if (rest >= 2) k1 ^= (bytes[tail + 1] ?? 0) << 8;
  if (rest >= 1) {
    k1 ^= bytes[tail] ?? 0;
    k1 = Math.imul(k1, c1);
    k1 = rotl(k1, 15);
    k1 = Math.imul(k1, c2);
    h1 ^= k1;
  }
  h1 ^= bytes.length;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 >>> 0;
}

/** An assignment by the rule of the issue. */
export interface ReferenceAssignment {
  readonly bucket: number;
  /** The variant's index, or null outside the allocation. */
  readonly variant: number | null;
}

/**
 * Assigns by the rule as written: h = MurmurHash3 x86_32 (seed 0) of the UTF-8 bytes of
 * "{salt}:{user_id}"; bucket = h mod 10000; b = bucket / 10000; weights normalised by their
 * sum; start_i the sum of the earlier w; variant i when start_i <= b < start_i + allocation w_i.
 * @param salt - the salt
 * @param userId - the user
 * @param weights - the weights in definition order
 * @param allocation - the traffic allocation
 * @returns the bucket and the variant
 */
export function referenceAssignment(
  salt: string,
  userId: string,
  weights: readonly number[],
  allocation: number,
): ReferenceAssignment {
  const h = murmur3Reference(Buffer.from(`${salt}:${userId}`, 'utf8'), 0);
  const bucket = h % 10000;
  const b = bucket / 10000;
  const sum = weights.reduce((total, weight) => total + weight, 0);
  const w = weights.map((weight) => weight / sum);
  for (let i = 0; i < w.length; i += 1) {
    const start = w.slice(0, i).reduce((total, x) => total + x, 0);
    if (start <= b && b < start + allocation * (w[i] ?? 0)) return { bucket, variant: i };
  }
  return { bucket, variant: null };
}
