/**
 * JSON merge patch against the examples of RFC 7396 appendix A, and the fields a change lists
 * in the audit log.
 */
import { describe, expect, it } from 'vitest';
import {
  applyMergePatch,
  canonical,
  changedFields,
} from '../../../shared/experiments/definition-changes.ts';

describe('applyMergePatch', () => {
  // RFC 7396, Appendix A: original, patch, result.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('patches %j with %j into %j', (original, patch, result) => {
    const before = structuredClone(original);
    expect(applyMergePatch(original, patch)).toEqual(result);
    expect(original).toEqual(before);
  });
});

describe('changedFields', () => {
  it('lists the fields that differ, with both values', () => {
    expect(
      changedFields(
        { id: 'e', alpha: 0.05, owner: 'a', variants: [{ key: 'a' }] },
        { id: 'e', alpha: 0.1, variants: [{ key: 'a' }], salt: 's' },
      ),
    ).toEqual([
      { field: 'alpha', from: 0.05, to: 0.1 },
      { field: 'salt', from: null, to: 's' },
      { field: 'owner', from: 'a', to: null },
    ]);
  });

  it('lists every field of a new definition', () => {
    expect(changedFields(null, { id: 'e', alpha: 0.05 }).map((c) => c.field)).toEqual([
      'id',
      'alpha',
    ]);
  });

  it('sees no change in a reordering of keys (jsonb does not keep their order)', () => {
    expect(changedFields({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).toEqual([]);
    expect(canonical({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});
