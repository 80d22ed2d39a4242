/**
 * Group commit, as PostgreSQL's `commit_delay`: the first write of a group waits a moment, the
 * writes asked for meanwhile join it, and the group goes in one statement or transaction;
 * writes asked for while a group is being written go together in the next. N concurrent
 * writers cost one round trip, not N, for a delay of a few milliseconds each.
 */

/**
 * Makes a function that writes one item by writing the items of concurrent calls together.
 * @param writeGroup - writes a group of items, returning one result per item, in order
 * @param delayMs - how long the first write of a group waits for others
 * @returns the one-item writer; it rejects when its group's write failed
 * @example const insert = groupCommit((batches) => insertAll(db, batches), 2); await insert(batch)
 */
export function groupCommit<Item, Result>(
  writeGroup: (items: readonly Item[]) => Promise<readonly Result[]>,
  delayMs: number,
): (item: Item) => Promise<Result> {
  interface Waiting {
    readonly item: Item;
    resolve(result: Result): void;
    reject(error: unknown): void;
  }
  let queue: Waiting[] = [];
  let writing = false;

  const writeNext = async (): Promise<void> => {
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      try {
        const results = await writeGroup(group.map((waiting) => waiting.item));
        group.forEach((waiting, i) => waiting.resolve(results[i] as Result));
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    writing = false;
  };

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!writing) {
        writing = true;
        setTimeout(() => void writeNext(), delayMs);
      }
    });
}
