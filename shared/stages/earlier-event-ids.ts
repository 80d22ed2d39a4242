/**
 * The event ids an experiment's earlier batches hold, for deduplicating a new batch. Reading
 * them means opening every curated file of the experiment, which for a stream of small batches
 * costs more each time; so the ids are kept in memory per experiment (one column of a polars
 * frame) and only the batches validated since are read. The database says which batches are
 * committed, so the cache is never ahead of it and any process can rebuild it.
 */
import pl from 'nodejs-polars';
import type { Database } from '../adapters/database/database.ts';
import type { StageDeps } from './stage-deps.ts';

interface CachedIds {
  readonly batches: Set<string>;
  ids: pl.DataFrame;
}

const mostExperiments = 8;
const caches = new WeakMap<Database, Map<string, CachedIds>>();

/**
 * The ids curated for an experiment by batches other than the one being validated.
 * @param deps - the ports
 * @param experimentId - the experiment
 * @param batchId - the batch being validated (never part of the answer)
 * @returns a lazy frame with one column `event_id`, or undefined when there are none
 * @example const earlier = await earlierEventIds(deps, 'exp1', batchId)
 */
export async function earlierEventIds(
  deps: StageDeps,
  experimentId: string,
  batchId: string,
): Promise<pl.LazyDataFrame | undefined> {
  const committed = await deps.db.query<{ batch_id: string; curated_key: string }>(
    `SELECT batch_id, curated_key FROM batch_experiments WHERE experiment_id = $1 AND batch_id <> $2
     ORDER BY batch_id`,
    [experimentId, batchId],
  );
  if (committed.rows.length === 0) return undefined;
  const byExperiment = caches.get(deps.db) ?? new Map<string, CachedIds>();
  caches.set(deps.db, byExperiment);
  let cached = byExperiment.get(experimentId);
  const known = new Set(committed.rows.map((row) => row.batch_id));
  if (cached === undefined || [...cached.batches].some((id) => !known.has(id))) {
    cached = {
      batches: new Set(),
      ids: pl.DataFrame({ event_id: [] }, { schema: { event_id: pl.Utf8 } }),
    };
  }
  const missing = committed.rows.filter((row) => !cached.batches.has(row.batch_id));
  if (missing.length > 0) {
    const files = await Promise.all(
      missing.map((row) => deps.blobs.localFile(deps.config.buckets.curated, row.curated_key)),
    );
    const added = await pl
      .concat(files.map((file) => pl.scanParquet(file).select('event_id')))
      .collect();
    cached.ids = cached.ids.vstack(added).rechunk();
    for (const row of missing) cached.batches.add(row.batch_id);
  }
  byExperiment.delete(experimentId);
  byExperiment.set(experimentId, cached);
  while (byExperiment.size > mostExperiments) {
    const oldest = byExperiment.keys().next().value;
    if (oldest === undefined) break;
    byExperiment.delete(oldest);
  }
  return cached.ids.lazy();
}
