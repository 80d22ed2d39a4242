/**
 * Deterministic assignment (DESIGN.md "Assignment"): h = MurmurHash3 x86_32, seed 0, of the
 * UTF-8 bytes of `"{salt}:{user_id}"`; bucket = h mod 10000; b = bucket / 10000; with the
 * weights normalised to w_i (each divided by their sum) and start_i the sum of the earlier
 * w, the user is in variant i when start_i <= b < start_i + allocation * w_i (IEEE doubles,
 * evaluated in that order), else in none. Raising the allocation only widens each variant's
 * range from its fixed start, so no assigned user ever moves.
 *
 * The hash is the `murmurhash` package's `v3`, given bytes. A compiled assigner writes each
 * user id after the salt's bytes in a buffer it keeps and hashes a view of that buffer it
 * keeps per length, and looks the variant up in a table of the 10,000 buckets built with the
 * rule above: no allocation per assignment. Pure.
 */
import murmurhash from 'murmurhash';
import { maxUtf8Bytes, writeUtf8 } from './utf8-bytes.ts';

/** Buckets per experiment. */
export const bucketCount = 10_000;

/** What decides assignment: the salt, the allocation and the weights in definition order. */
export interface AssignmentPlan {
  readonly salt: string;
  /** The share of users in the experiment, 0 < allocation <= 1. */
  readonly allocation: number;
  /** Positive weights, in definition order (normalised here). */
  readonly weights: readonly number[];
}

/** A plan compiled for fast assignment. */
export interface VariantAssigner {
  /**
   * The bucket of a user.
   * @param userId - the user id
   * @returns 0 to 9999
   */
  bucketOf(userId: string): number;
  /**
   * The variant of a bucket.
   * @param bucket - 0 to 9999
   * @returns the variant's index in definition order, or -1 outside the allocation
   */
  variantOf(bucket: number): number;
}

/**
 * The MurmurHash3 x86_32 hash (seed 0) of some bytes, unsigned.
 * @param bytes - the bytes (all of the array)
 * @returns 0 to 2^32 - 1
 * @see https://github.com/aappleby/smhasher/blob/master/src/MurmurHash3.cpp
 * @example assignmentHash(new TextEncoder().encode('exp1:u1'))
 */
export function assignmentHash(bytes: Uint8Array): number {
  return murmurhash.v3(bytes, 0);
}

/**
 * The variant of a bucket by the rule, evaluated literally (the assigner tabulates it).
 * @param bucket - 0 to 9999
 * @param plan - allocation and weights
 * @returns the variant's index, or -1 outside the allocation
 * @example variantForBucket(4999, { salt: 's', allocation: 1, weights: [50, 50] }) // 0
 */
export function variantForBucket(bucket: number, plan: AssignmentPlan): number {
  const b = bucket / bucketCount;
  let total = 0;
  for (const weight of plan.weights) total += weight;
  let start = 0;
  for (let i = 0; i < plan.weights.length; i += 1) {
    const w = (plan.weights[i] ?? 0) / total;
    if (start <= b && b < start + plan.allocation * w) return i;
    start += w;
  }
  return -1;
}

/**
 * Compiles a plan.
 * @param plan - salt, allocation and weights
 * @returns the assigner
 * @example compileAssigner({ salt: 'exp1', allocation: 1, weights: [1, 1] }).bucketOf('u1')
 */
export function compileAssigner(plan: AssignmentPlan): VariantAssigner {
  const table = new Int16Array(bucketCount);
  for (let bucket = 0; bucket < bucketCount; bucket += 1) {
    table[bucket] = variantForBucket(bucket, plan);
  }
  const prefix = `${plan.salt}:`;
  let buffer = new Uint8Array(maxUtf8Bytes(prefix.length + 64));
  const prefixBytes = writeUtf8(prefix, buffer, 0);
  let views: Uint8Array[] = [];
  const grow = (length: number) => {
    const larger = new Uint8Array(prefixBytes + maxUtf8Bytes(Math.max(length, 2 * buffer.length)));
    larger.set(buffer.subarray(0, prefixBytes));
    buffer = larger;
    views = [];
  };
  return {
    bucketOf(userId) {
      if (prefixBytes + maxUtf8Bytes(userId.length) > buffer.length) grow(userId.length);
      const length = prefixBytes + writeUtf8(userId, buffer, prefixBytes);
      let view = views[length];
      if (view === undefined) {
        view = new Uint8Array(buffer.buffer, 0, length);
        views[length] = view;
      }
      return murmurhash.v3(view, 0) % bucketCount;
    },
    variantOf(bucket) {
      return table[bucket] ?? -1;
    },
  };
}
