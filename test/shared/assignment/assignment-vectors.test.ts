/**
 * Assignment against vectors computed independently: a second MurmurHash3 x86_32 written in
 * the tests (test/support/murmur3-reference.ts) over Node's own UTF-8 bytes, and the rule as
 * the issue states it. Thousands of seeded cases with non-ASCII user ids and salts (accents,
 * CJK, emoji, combining marks, lone surrogates), the hash against published vectors, the
 * README's worked vectors, and the ramp: raising the allocation never moves an assigned user.
 */
import fc from 'fast-check';
import murmurhash from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { maxUtf8Bytes, writeUtf8 } from '../../../shared/assignment/utf8-bytes.ts';
import {
  assignmentHash,
  compileAssigner,
  variantForBucket,
} from '../../../shared/assignment/variant-assigner.ts';
import { randomSource } from '../../../shared/random/random-source.ts';
import { murmur3Reference, referenceAssignment } from '../../support/murmur3-reference.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('MurmurHash3 x86_32', () => {
  // Published outputs of the reference implementation (smhasher's verification set as quoted
  // by Wikipedia's MurmurHash article and Python's mmh3: mmh3.hash("foo") == -156908512).
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\u0000\u0000\u0000\u0000', 0, 0x2362f9de],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['foo', 0, 4138058784],
  ])('hashes %j with seed %i to %i, both implementations', (text, seed, expected) => {
    expect(murmurhash.v3(utf8(text), seed)).toBe(expected);
    expect(murmur3Reference(utf8(text), seed)).toBe(expected);
  });

  it('hashes the UTF-8 bytes of a string, not its UTF-16 code units', () => {
    for (const text of ['é', '用户', '🙂', 'e\u0301']) {
      expect(assignmentHash(utf8(text))).toBe(murmur3Reference(Buffer.from(text, 'utf8'), 0));
      expect(murmurhash.v3(text, 0)).toBe(murmur3Reference(Buffer.from(text, 'utf8'), 0));
    }
  });
});

describe('writeUtf8', () => {
  it('encodes as TextEncoder does, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const target = new Uint8Array(maxUtf8Bytes(text.length) + 3);
        const written = writeUtf8(text, target, 3);
        expect([...target.subarray(3, 3 + written)]).toEqual([...utf8(text)]);
      }),
      { numRuns: 2000 },
    );
  });
});

/** Characters drawn for ids and salts: ASCII, Latin-1, CJK, emoji, combining, surrogates. */
const alphabet = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.@ ',
  'é',
  'ü',
  'ß',
  'ñ',
  'ø',
  '用',
  '户',
  '実',
  '験',
  '한',
  'ع',
  'ש',
  '🙂',
  '🧪',
  '👩‍💻',
  '\u0301',
  '\u0000',
  '\ud800',
  '\udfff',
  '\uffff',
];

function randomText(random: ReturnType<typeof randomSource>, min: number, max: number): string {
  const length = min + random.int(max - min + 1);
  let text = '';
  for (let i = 0; i < length; i += 1) text += alphabet[random.int(alphabet.length)];
  return text;
}

const plans = [
  { weights: [50, 50], allocation: 1 },
  { weights: [0.5, 0.5], allocation: 0.2 },
  { weights: [20, 30, 50], allocation: 1 },
  { weights: [1, 1, 1], allocation: 0.7 },
  { weights: [0.1, 0.2, 0.3, 0.4], allocation: 0.05 },
  { weights: [99.5, 0.5], allocation: 0.999 },
];

describe('assignment', () => {
  it('matches the independent rule on 6,000 seeded cases with non-ASCII ids and salts', () => {
    const random = randomSource(1212);
    let cases = 0;
    let nonAscii = 0;
    const seenVariants = new Set<string>();
    for (let s = 0; s < 60; s += 1) {
      const salt = s % 3 === 0 ? `exp-${s}` : randomText(random, 1, 24);
      const plan = plans[s % plans.length] ?? { weights: [1, 1], allocation: 1 };
      const assigner = compileAssigner({ salt, ...plan });
      for (let u = 0; u < 100; u += 1) {
        const userId = u % 4 === 0 ? `user-${u}` : randomText(random, 1, 40);
        const expected = referenceAssignment(salt, userId, plan.weights, plan.allocation);
        const bucket = assigner.bucketOf(userId);
        const variant = assigner.variantOf(bucket);
        expect({ bucket, variant: variant < 0 ? null : variant }).toEqual(expected);
        cases += 1;
        if (/[^\x20-\x7e]/.test(salt + userId)) nonAscii += 1;
        seenVariants.add(`${s % plans.length}:${String(expected.variant)}`);
      }
    }
    expect(cases).toBe(6000);
    expect(nonAscii).toBeGreaterThan(3000);
    // Every plan put users in each of its variants, and outside when its allocation is small.
    plans.forEach((plan, p) => {
      for (const [i] of plan.weights.entries()) expect(seenVariants).toContain(`${p}:${i}`);
      if (plan.allocation <= 0.7) expect(seenVariants).toContain(`${p}:null`);
    });
  });

  it('matches the rule on every bucket of every plan (the table is the rule)', () => {
    for (const plan of plans) {
      const assigner = compileAssigner({ salt: 's', ...plan });
      const table: number[] = [];
      const rule: number[] = [];
      const literal: number[] = [];
      for (let bucket = 0; bucket < 10000; bucket += 1) {
        const b = bucket / 10000;
        const sum = plan.weights.reduce((a, w) => a + w, 0);
        let start = 0;
        let expected = -1;
        for (const [i, weight] of plan.weights.entries()) {
          if (start <= b && b < start + plan.allocation * (weight / sum)) {
            expected = i;
            break;
          }
          start += weight / sum;
        }
        literal.push(expected);
        table.push(assigner.variantOf(bucket));
        rule.push(variantForBucket(bucket, { salt: 's', ...plan }));
      }
      expect(table).toEqual(literal);
      expect(rule).toEqual(literal);
    }
  });

  it('hashes long ids and keeps answering the same after growing its buffer', () => {
    const assigner = compileAssigner({ salt: 'exp', weights: [1, 1], allocation: 1 });
    const long = '用'.repeat(500);
    const before = assigner.bucketOf('user-1');
    expect(assigner.bucketOf(long)).toBe(referenceAssignment('exp', long, [1, 1], 1).bucket);
    expect(assigner.bucketOf('user-1')).toBe(before);
  });

  it('never moves an assigned user when the allocation grows (a ramp)', () => {
    const hasher = compileAssigner({ salt: 'ramp', weights: [1], allocation: 1 });
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
        fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 2, maxLength: 5 }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (userId, weights, low, more) => {
          const high = Math.min(1, low + more * (1 - low));
          const bucket = hasher.bucketOf(userId);
          const was = variantForBucket(bucket, { salt: 'ramp', weights, allocation: low });
          const now = variantForBucket(bucket, { salt: 'ramp', weights, allocation: high });
          if (was >= 0) expect(now).toBe(was);
        },
      ),
      { numRuns: 3000 },
    );
  });

  // The worked vectors of README "Assignment" (salt checkout-redesign, weights 50/50).
  it.each([
    ['user-1', 2233338305, 8305, 1, null],
    ['user-2', 259933890, 3890, 0, null],
    ['user-6', 1700380714, 714, 0, 0],
    ['ünïcödé', 1829244263, 4263, 0, null],
    ['用户42', 3458197142, 7142, 1, null],
    ['🙂', 476366187, 6187, 1, null],
  ])('assigns %s as the README says', (userId, hash, bucket, full, fifth) => {
    const bytes = Buffer.from(`checkout-redesign:${userId}`, 'utf8');
    expect(murmur3Reference(bytes, 0)).toBe(hash);
    expect(assignmentHash(bytes)).toBe(hash);
    const all = compileAssigner({ salt: 'checkout-redesign', weights: [50, 50], allocation: 1 });
    const ramp = compileAssigner({ salt: 'checkout-redesign', weights: [50, 50], allocation: 0.2 });
    expect(all.bucketOf(userId)).toBe(bucket);
    expect(all.variantOf(bucket)).toBe(full);
    expect(ramp.variantOf(bucket)).toBe(fifth ?? -1);
  });
});
