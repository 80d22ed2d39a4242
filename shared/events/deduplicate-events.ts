/**
 * Event identity and deduplication. An event's id is its `event_id`, or, when that is absent,
 * a hash of the whole row (normalised timestamp and value, every attribute). A duplicate is an
 * event id already seen in the same experiment: earlier in this batch or in a batch curated
 * before it. Duplicates are counted, not rejected. Everything stays lazy: only the event ids
 * (and the record indices of the duplicates) are ever held in memory.
 */
import pl from 'nodejs-polars';
import { rowIndexColumn } from './read-event-table.ts';

const rowHashSeeds = [0x5eed_ab01, 0x5eed_ab02, 0x5eed_ab03, 0x5eed_ab04] as const;

/**
 * Fills missing event ids with a hash of the row (`h` and 20 digits), stable for a given polars
 * version.
 * @param events - curated events, `event_id` null where the file gave none
 * @param attributes - the attribute columns
 * @returns the events with every `event_id` set
 * @example withEventIds(accepted, ['device'])
 */
export function withEventIds(
  events: pl.LazyDataFrame,
  attributes: readonly string[],
): pl.LazyDataFrame {
  const parts = [
    pl.col('experiment_id'),
    pl.col('user_id'),
    pl.col('variant'),
    pl.col('event_type'),
    pl.col('timestamp').cast(pl.Int64).cast(pl.Utf8),
    pl.col('value').cast(pl.Utf8),
    ...attributes.map((name) => pl.lit(`${name}=`).add(pl.col(name))),
  ].map((part) => part.fillNull(pl.lit('\u0000')));
  const rowHash = pl.lit('h').add(
    pl
      .concatString(parts, '\u001f')
      .hash(...rowHashSeeds)
      .cast(pl.Utf8),
  );
  return events.withColumns(
    pl
      .when(pl.col('event_id').isNull())
      .then(rowHash)
      .otherwise(pl.col('event_id'))
      .alias('event_id'),
  );
}

/** One experiment's share of a batch after deduplication. */
export interface ExperimentEvents {
  readonly experimentId: string;
  /** The experiment's new events, in file order, without the record index. */
  readonly events: pl.LazyDataFrame;
  /** How many rows the experiment had in the batch, duplicates included. */
  readonly rows: number;
  readonly duplicates: number;
}

/**
 * Splits a batch's events by experiment and drops duplicates.
 * @param events - events with ids (see {@link withEventIds}) and their record index, in file order
 * @param earlierIds - the event ids already curated for an experiment (a lazy scan of its
 *   earlier batches), or undefined when it has none
 * @returns per experiment, sorted by experiment id: the new events and the duplicate count
 * @example await deduplicateEvents(events, async (id) => undefined)
 */
export async function deduplicateEvents(
  events: pl.LazyDataFrame,
  earlierIds: (experimentId: string) => Promise<pl.LazyDataFrame | undefined>,
): Promise<ExperimentEvents[]> {
  const experimentIds = (
    (await events.select(pl.col('experiment_id').unique()).collect())
      .getColumn('experiment_id')
      .toArray() as string[]
  ).sort();
  const result: ExperimentEvents[] = [];
  for (const experimentId of experimentIds) {
    const own = events.filter(pl.col('experiment_id').eq(pl.lit(experimentId)));
    const ids = await own.select(rowIndexColumn, 'event_id').collect();
    let duplicates = ids.filter(pl.col('event_id').isFirstDistinct().not()).select(rowIndexColumn);
    const earlier = await earlierIds(experimentId);
    if (earlier !== undefined) {
      const seen = await ids
        .lazy()
        .join(earlier.select('event_id').unique(), { on: 'event_id', how: 'semi' })
        .select(rowIndexColumn)
        .collect();
      duplicates = duplicates.vstack(seen).unique();
    }
    const kept: pl.LazyDataFrame =
      duplicates.height === 0
        ? own
        : own.join(duplicates.lazy(), { on: rowIndexColumn, how: 'anti' });
    result.push({
      experimentId,
      events: kept.drop(rowIndexColumn),
      rows: ids.height,
      duplicates: duplicates.height,
    });
  }
  return result;
}
