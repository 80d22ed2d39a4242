/**
 * Group commit: concurrent writes share one group write, each caller gets its own result, a
 * failed group fails only its own callers.
 */
import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../../shared/store/group-commit.ts';

/**
 * A group writer that records the groups it was given and answers each item doubled. Each
 * group write waits until released, so a test decides what arrives while it is under way.
 */
function heldWriter(fail: (items: readonly number[]) => boolean = () => false) {
  const groups: number[][] = [];
  let started: () => void = () => undefined;
  let release: () => void = () => undefined;
  const write = groupCommit(async (items: readonly number[]) => {
    groups.push([...items]);
    const released = new Promise<void>((resolve) => (release = resolve));
    started();
    await released;
    if (fail(items)) throw new Error(`group ${items.join(',')} failed`);
    return items.map((item) => item * 2);
  }, 2);
  const nextStart = () => new Promise<void>((resolve) => (started = resolve));
  return { groups, write, nextStart, release: () => release() };
}

describe('groupCommit', () => {
  it('writes calls made together as one group and answers each with its own result', async () => {
    const writer = heldWriter();
    const starting = writer.nextStart();
    const results = Promise.all([1, 2, 3, 4, 5].map((item) => writer.write(item)));
    await starting;
    writer.release();
    expect(await results).toEqual([2, 4, 6, 8, 10]);
    expect(writer.groups).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('puts calls made while a group is being written into the next group', async () => {
    const writer = heldWriter();
    let starting = writer.nextStart();
    const first = writer.write(1);
    await starting;
    const later = [writer.write(2), writer.write(3)];
    starting = writer.nextStart();
    writer.release();
    await starting;
    writer.release();
    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6]);
    expect(writer.groups).toEqual([[1], [2, 3]]);
  });

  it('rejects the callers of a failed group only, and goes on writing', async () => {
    const writer = heldWriter((items) => items.includes(1));
    let starting = writer.nextStart();
    const first = writer.write(1);
    await starting;
    const second = writer.write(2);
    starting = writer.nextStart();
    writer.release();
    await expect(first).rejects.toThrow('group 1 failed');
    await starting;
    writer.release();
    expect(await second).toBe(4);
    expect(writer.groups).toEqual([[1], [2]]);
  });
});
