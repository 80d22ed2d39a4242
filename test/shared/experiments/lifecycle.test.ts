/**
 * The lifecycle table, every pair of states: the allowed moves pass, every other one (staying
 * put included) is a 409 naming the states the experiment may move to. And the frozen fields:
 * once run, variants, weights and salt stay; the allocation may only grow.
 */
import { describe, expect, it } from 'vitest';
import { experimentStatuses } from '../../../shared/analysis/experiment-definition.ts';
import { ValidationError } from '../../../shared/errors/errors.ts';
import { issueTransitions } from './issue-transitions.ts';
import {
  allowedTransitions,
  checkFrozenFields,
  checkTransition,
} from '../../../shared/experiments/lifecycle.ts';

const allowed = issueTransitions;

const pairs = experimentStatuses.flatMap((from) =>
  experimentStatuses.map((to) => [from, to] as const),
);

function thrown(run: () => void): ValidationError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  return undefined;
}

describe('the lifecycle', () => {
  it('is the table of the issue', () => {
    expect(allowedTransitions).toEqual(allowed);
  });

  it.each(pairs.filter(([from, to]) => allowed[from].includes(to)))(
    'allows %s -> %s',
    (from, to) => {
      expect(thrown(() => checkTransition('exp1', from, to))).toBeUndefined();
    },
  );

  it.each(pairs.filter(([from, to]) => !allowed[from].includes(to)))(
    'refuses %s -> %s with a 409 naming the allowed next states',
    (from, to) => {
      const error = thrown(() => checkTransition('exp1', from, to));
      expect(error?.httpStatus).toBe(409);
      expect(error?.details).toEqual({ status: from, allowed: allowed[from] });
      const next =
        allowed[from].length === 0
          ? `${from} is final`
          : `from ${from} it can move to ${allowed[from].join(' or ')}`;
      expect(error?.message).toMatch(new RegExp(`^experiment exp1 .*: ${next}$`));
    },
  );
});

describe('the frozen fields', () => {
  const before = {
    id: 'exp1',
    variants: [
      { key: 'control', weight: 50, control: true, name: 'Old', config: { a: 1, b: 2 } },
      { key: 'treatment', weight: 50, control: false },
    ],
    traffic_allocation: 0.2,
  };
  const [control, treatment] = before.variants as [
    (typeof before.variants)[0],
    (typeof before.variants)[1],
  ];

  it.each([
    [
      'a weight',
      {
        ...before,
        variants: [
          { ...control, weight: 40 },
          { ...treatment, weight: 60 },
        ],
      },
      'variants',
    ],
    ['a key', { ...before, variants: [control, { ...treatment, key: 'new' }] }, 'variants'],
    ['the order', { ...before, variants: [treatment, control] }, 'variants'],
    [
      'a config',
      { ...before, variants: [{ ...control, config: { a: 2, b: 2 } }, treatment] },
      'variants',
    ],
    [
      'the control',
      {
        ...before,
        variants: [
          { ...control, control: false },
          { ...treatment, control: true },
        ],
      },
      'variants',
    ],
    [
      'a variant added',
      { ...before, variants: [control, treatment, { key: 'c', weight: 1, control: false }] },
      'variants',
    ],
    ['the salt', { ...before, salt: 'other' }, 'salt'],
    ['a shrinking allocation', { ...before, traffic_allocation: 0.1 }, 'traffic_allocation'],
    [
      'the allocation removed (back to 1 is growth) then shrunk',
      { ...before, traffic_allocation: 0.19 },
      'traffic_allocation',
    ],
  ])('refuses a change of %s once run (409)', (_case, after, path) => {
    const error = thrown(() => checkFrozenFields(before, after, true));
    expect(error?.httpStatus).toBe(409);
    expect(error?.details).toEqual({ path, frozen: true });
  });

  it.each([
    ['a display name', { ...before, variants: [{ ...control, name: 'New' }, treatment] }],
    [
      'the same config in another key order',
      { ...before, variants: [{ ...control, config: { b: 2, a: 1 } }, treatment] },
    ],
    ['a growing allocation (a ramp)', { ...before, traffic_allocation: 0.5 }],
    ['the allocation back to its default of 1', { id: 'exp1', variants: before.variants }],
    ['a salt equal to the id it defaulted to', { ...before, salt: 'exp1' }],
  ])('allows %s once run', (_case, after) => {
    expect(thrown(() => checkFrozenFields(before, after, true))).toBeUndefined();
  });

  it('allows anything before the experiment has run', () => {
    const after = {
      id: 'exp1',
      variants: [treatment, control],
      salt: 's',
      traffic_allocation: 0.01,
    };
    expect(thrown(() => checkFrozenFields(before, after, false))).toBeUndefined();
  });

  it('lets an experiment that ran without variants declare them once', () => {
    expect(thrown(() => checkFrozenFields({ id: 'exp1' }, before, true))).toBeUndefined();
    expect(thrown(() => checkFrozenFields(null, before, true))).toBeUndefined();
  });
});
