/**
 * The live tables: the streaming reducer's state (`live_users`, `live_posteriors`), the
 * batches the monitor has read, the time-window rollups, the posterior snapshots, the ticks
 * handled and the last sequential decisions. Statements are parameterised; lists go as arrays.
 */
import type { Queryable } from '../adapters/database/database.ts';
import type { ArmCounts, LiveUser, PosteriorSnapshot } from '../live/posterior-reducer.ts';
import type { BatchRollup } from '../live/batch-reduction.ts';
import type { WindowSize } from '../live/time-windows.ts';

/**
 * Claims a (batch, experiment) for the monitor: false when it was read before.
 * @param tx - the monitor's transaction
 * @param batchId - the batch
 * @param experimentId - the experiment
 * @returns whether this is the first time
 * @example if (!(await claimMonitoredBatch(tx, batchId, 'exp1'))) return
 */
export async function claimMonitoredBatch(
  tx: Queryable,
  batchId: string,
  experimentId: string,
): Promise<boolean> {
  const result = await tx.query(
    `INSERT INTO live_batches (batch_id, experiment_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [batchId, experimentId],
  );
  return result.rows.length > 0;
}

/**
 * Locks an experiment's live state until the transaction ends (instances take turns).
 * @param tx - the transaction
 * @param experimentId - the experiment
 * @example await lockLiveState(tx, 'exp1')
 */
export async function lockLiveState(tx: Queryable, experimentId: string): Promise<void> {
  await tx.query('SELECT 1 FROM experiments WHERE experiment_id = $1 FOR UPDATE', [experimentId]);
}

/**
 * Reads the state of some users.
 * @param tx - the transaction
 * @param experimentId - the experiment
 * @param userIds - the users
 * @returns their states (users never seen are absent)
 * @example await liveUsers(tx, 'exp1', ['u1'])
 */
export async function liveUsers(
  tx: Queryable,
  experimentId: string,
  userIds: readonly string[],
): Promise<Map<string, LiveUser>> {
  const result = await tx.query<{
    user_id: string;
    variant_low: string | null;
    variant_high: string | null;
    first_exposure_us: string | number | null;
    last_success_us: string | number | null;
  }>(
    `SELECT user_id, variant_low, variant_high, first_exposure_us, last_success_us
     FROM live_users WHERE experiment_id = $1 AND user_id = ANY($2)`,
    [experimentId, userIds],
  );
  const num = (value: string | number | null) => (value === null ? null : Number(value));
  return new Map(
    result.rows.map((row) => [
      row.user_id,
      {
        variantLow: row.variant_low,
        variantHigh: row.variant_high,
        firstExposureUs: num(row.first_exposure_us),
        lastSuccessUs: num(row.last_success_us),
      },
    ]),
  );
}

/**
 * Writes users' states (insert or replace).
 * @param tx - the transaction
 * @param experimentId - the experiment
 * @param users - user id and state
 * @example await saveLiveUsers(tx, 'exp1', [['u1', state]])
 */
export async function saveLiveUsers(
  tx: Queryable,
  experimentId: string,
  users: readonly (readonly [string, LiveUser])[],
): Promise<void> {
  for (let start = 0; start < users.length; start += 5000) {
    const chunk = users.slice(start, start + 5000);
    await tx.query(
      `INSERT INTO live_users (experiment_id, user_id, variant_low, variant_high,
         first_exposure_us, last_success_us)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
       ON CONFLICT (experiment_id, user_id) DO UPDATE SET variant_low = EXCLUDED.variant_low,
         variant_high = EXCLUDED.variant_high, first_exposure_us = EXCLUDED.first_exposure_us,
         last_success_us = EXCLUDED.last_success_us`,
      [
        experimentId,
        chunk.map(([id]) => id),
        chunk.map(([, user]) => user.variantLow),
        chunk.map(([, user]) => user.variantHigh),
        chunk.map(([, user]) => user.firstExposureUs),
        chunk.map(([, user]) => user.lastSuccessUs),
      ],
    );
  }
}

/** The counts of an experiment's variants now and at the last tick. */
export interface LiveArms {
  readonly arms: Map<string, ArmCounts>;
  readonly ticked: Map<string, ArmCounts>;
}

/**
 * Reads an experiment's counts per variant.
 * @param tx - the transaction
 * @param experimentId - the experiment
 * @returns the counts now and at the last tick
 * @example const { arms } = await liveArms(tx, 'exp1')
 */
export async function liveArms(tx: Queryable, experimentId: string): Promise<LiveArms> {
  const result = await tx.query<{
    variant: string;
    exposures: string | number;
    successes: string | number;
    ticked_exposures: string | number;
    ticked_successes: string | number;
  }>(
    `SELECT variant, exposures, successes, ticked_exposures, ticked_successes
     FROM live_posteriors WHERE experiment_id = $1`,
    [experimentId],
  );
  return {
    arms: new Map(
      result.rows.map((row) => [
        row.variant,
        { exposures: Number(row.exposures), successes: Number(row.successes) },
      ]),
    ),
    ticked: new Map(
      result.rows.map((row) => [
        row.variant,
        { exposures: Number(row.ticked_exposures), successes: Number(row.ticked_successes) },
      ]),
    ),
  };
}

/**
 * Writes an experiment's current counts per variant.
 * @param tx - the transaction
 * @param experimentId - the experiment
 * @param arms - the counts
 * @example await saveLiveArms(tx, 'exp1', arms)
 */
export async function saveLiveArms(
  tx: Queryable,
  experimentId: string,
  arms: ReadonlyMap<string, ArmCounts>,
): Promise<void> {
  const entries = [...arms];
  await tx.query(
    `INSERT INTO live_posteriors (experiment_id, variant, exposures, successes)
     SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[])
     ON CONFLICT (experiment_id, variant) DO UPDATE SET exposures = EXCLUDED.exposures,
       successes = EXCLUDED.successes, updated_at = now()`,
    [
      experimentId,
      entries.map(([variant]) => variant),
      entries.map(([, counts]) => counts.exposures),
      entries.map(([, counts]) => counts.successes),
    ],
  );
}

/**
 * Makes the current counts the base of the next incremental counts.
 * @param tx - the tick's transaction
 * @param experimentId - the experiment
 * @example await markLiveArmsTicked(tx, 'exp1')
 */
export async function markLiveArmsTicked(tx: Queryable, experimentId: string): Promise<void> {
  await tx.query(
    `UPDATE live_posteriors SET ticked_exposures = exposures, ticked_successes = successes
     WHERE experiment_id = $1`,
    [experimentId],
  );
}

/**
 * The experiments with live counts, sorted.
 * @param db - the database
 * @returns their ids
 * @example await liveExperiments(db)
 */
export async function liveExperiments(db: Queryable): Promise<string[]> {
  const result = await db.query<{ experiment_id: string }>(
    `SELECT DISTINCT experiment_id FROM live_posteriors ORDER BY experiment_id`,
  );
  return result.rows.map((row) => row.experiment_id);
}

/**
 * Adds a batch's rollups to the stored ones: counts and sums add, minima and maxima merge.
 * @param tx - the monitor's transaction
 * @param experimentId - the experiment
 * @param rollups - the batch's rollups
 * @example await addWindowRollups(tx, 'exp1', rollups)
 */
export async function addWindowRollups(
  tx: Queryable,
  experimentId: string,
  rollups: readonly BatchRollup[],
): Promise<void> {
  for (let start = 0; start < rollups.length; start += 5000) {
    const chunk = rollups.slice(start, start + 5000);
    await tx.query(
      `INSERT INTO event_windows (experiment_id, window_size, start_at, variant, event_type,
         count, value_count, sum, min, max)
       SELECT $1, w, to_timestamp(s / 1000.0), v, e, c, vc, su, mi, ma
       FROM unnest($2::text[], $3::float8[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
         $8::float8[], $9::float8[], $10::float8[]) AS t(w, s, v, e, c, vc, su, mi, ma)
       ON CONFLICT (experiment_id, window_size, start_at, variant, event_type) DO UPDATE SET
         count = event_windows.count + EXCLUDED.count,
         value_count = event_windows.value_count + EXCLUDED.value_count,
         sum = CASE WHEN EXCLUDED.sum IS NULL THEN event_windows.sum
                    ELSE COALESCE(event_windows.sum, 0) + EXCLUDED.sum END,
         min = LEAST(event_windows.min, EXCLUDED.min),
         max = GREATEST(event_windows.max, EXCLUDED.max)`,
      [
        experimentId,
        chunk.map((r) => r.window),
        chunk.map((r) => r.startMs),
        chunk.map((r) => r.variant),
        chunk.map((r) => r.event_type),
        chunk.map((r) => r.count),
        chunk.map((r) => r.value_count),
        chunk.map((r) => r.sum),
        chunk.map((r) => r.min),
        chunk.map((r) => r.max),
      ],
    );
  }
}

/** A window as the API shows it. */
export interface WindowRow {
  readonly start: string;
  readonly variant: string;
  readonly event_type: string;
  readonly count: number;
  readonly sum: number | null;
  readonly avg: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * Reads an experiment's windows of one size, oldest first.
 * @param db - the database
 * @param experimentId - the experiment
 * @param query - the size, the range of starts (epoch ms, inclusive) and the event type
 * @returns the windows
 * @example await readWindows(db, 'exp1', { window: '1h' })
 */
export async function readWindows(
  db: Queryable,
  experimentId: string,
  query: {
    readonly window: WindowSize;
    readonly fromMs?: number | undefined;
    readonly toMs?: number | undefined;
    readonly eventType?: string | undefined;
  },
): Promise<WindowRow[]> {
  const result = await db.query<{
    start_at: Date;
    variant: string;
    event_type: string;
    count: string | number;
    value_count: string | number;
    sum: number | null;
    min: number | null;
    max: number | null;
  }>(
    `SELECT start_at, variant, event_type, count, value_count, sum, min, max FROM event_windows
     WHERE experiment_id = $1 AND window_size = $2
       AND ($3::float8 IS NULL OR start_at >= to_timestamp($3 / 1000.0))
       AND ($4::float8 IS NULL OR start_at <= to_timestamp($4 / 1000.0))
       AND ($5::text IS NULL OR event_type = $5)
     ORDER BY start_at, variant COLLATE "C", event_type COLLATE "C"`,
    [experimentId, query.window, query.fromMs ?? null, query.toMs ?? null, query.eventType ?? null],
  );
  return result.rows.map((row) => {
    const valueCount = Number(row.value_count);
    return {
      start: new Date(row.start_at).toISOString(),
      variant: row.variant,
      event_type: row.event_type,
      count: Number(row.count),
      sum: valueCount === 0 ? null : row.sum,
      avg: valueCount === 0 || row.sum === null ? null : row.sum / valueCount,
      min: valueCount === 0 ? null : row.min,
      max: valueCount === 0 ? null : row.max,
    };
  });
}

/**
 * Records the time of a tick; a tick seen before keeps its first time.
 * @param tx - the transaction
 * @param tickId - the tick message's id
 * @param now - the time now
 * @returns the tick's time and whether it is new
 * @example await claimTick(db, message.id, new Date())
 */
export async function claimTick(
  tx: Queryable,
  tickId: string,
  now: Date,
): Promise<{ tickAt: Date; fresh: boolean }> {
  const inserted = await tx.query<{ tick_at: Date }>(
    `INSERT INTO live_ticks (tick_id, tick_at) VALUES ($1, $2) ON CONFLICT DO NOTHING
     RETURNING tick_at`,
    [tickId, now],
  );
  if (inserted.rows[0] !== undefined) return { tickAt: now, fresh: true };
  const found = await tx.query<{ tick_at: Date }>(
    'SELECT tick_at FROM live_ticks WHERE tick_id = $1',
    [tickId],
  );
  return { tickAt: new Date(found.rows[0]?.tick_at ?? now), fresh: false };
}

/**
 * Writes a tick's snapshot rows (the `postgres` sink); a tick written before writes nothing.
 * @param tx - the tick's transaction
 * @param experimentId - the experiment
 * @param rows - the snapshot
 * @returns whether the rows are new
 * @example await insertSnapshots(tx, 'exp1', rows)
 */
export async function insertSnapshots(
  tx: Queryable,
  experimentId: string,
  rows: readonly PosteriorSnapshot[],
): Promise<boolean> {
  let fresh = false;
  for (const row of rows) {
    const inserted = await tx.query(
      `INSERT INTO posterior_snapshots (experiment_id, variant, tick_at, exposures, successes,
         alpha, beta, probability_beat_control, expected_loss, incremental_exposures,
         incremental_successes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING 1`,
      [
        experimentId,
        row.variant,
        row.tick_at,
        row.exposures,
        row.successes,
        row.alpha,
        row.beta,
        row.probability_beat_control,
        row.expected_loss,
        row.incremental_exposures,
        row.incremental_successes,
      ],
    );
    fresh ||= inserted.rows.length > 0;
  }
  return fresh;
}

/**
 * Reads stored snapshots: the latest tick's, or every tick in a range.
 * @param db - the database
 * @param experimentId - the experiment
 * @param query - `latest`, or a range of tick times in epoch ms (inclusive)
 * @returns the rows, by tick then variant
 * @example await readSnapshots(db, 'exp1', { latest: true })
 */
export async function readSnapshots(
  db: Queryable,
  experimentId: string,
  query: {
    readonly latest: boolean;
    readonly fromMs?: number | undefined;
    readonly toMs?: number | undefined;
  },
): Promise<PosteriorSnapshot[]> {
  const result = await db.query<Record<string, unknown> & { tick_at: Date }>(
    `SELECT variant, tick_at, exposures, successes, alpha, beta, probability_beat_control,
       expected_loss, incremental_exposures, incremental_successes
     FROM posterior_snapshots s WHERE experiment_id = $1
       AND (NOT $2 OR tick_at = (SELECT max(tick_at) FROM posterior_snapshots
                                 WHERE experiment_id = $1))
       AND ($3::float8 IS NULL OR tick_at >= to_timestamp($3 / 1000.0))
       AND ($4::float8 IS NULL OR tick_at <= to_timestamp($4 / 1000.0))
     ORDER BY tick_at, variant COLLATE "C" LIMIT 10000`,
    [experimentId, query.latest, query.fromMs ?? null, query.toMs ?? null],
  );
  return result.rows.map((row) => ({
    variant: String(row.variant),
    tick_at: new Date(row.tick_at).toISOString(),
    exposures: Number(row.exposures),
    successes: Number(row.successes),
    alpha: Number(row.alpha),
    beta: Number(row.beta),
    probability_beat_control:
      row.probability_beat_control === null ? null : Number(row.probability_beat_control),
    expected_loss: row.expected_loss === null ? null : Number(row.expected_loss),
    incremental_exposures: Number(row.incremental_exposures),
    incremental_successes: Number(row.incremental_successes),
  }));
}

/**
 * Swaps the last sequential decision of a comparison for the new one.
 * @param tx - the analysis's transaction
 * @param experimentId - the experiment
 * @param decision - metric, variant and decision
 * @returns the decision before, if any
 * @example await swapDecision(tx, 'exp1', { metric: 'conversion', variant: 'b', decision: 'ship' })
 */
export async function swapDecision(
  tx: Queryable,
  experimentId: string,
  decision: { readonly metric: string; readonly variant: string; readonly decision: string },
): Promise<string | undefined> {
  const before = await tx.query<{ decision: string }>(
    `SELECT decision FROM live_decisions WHERE experiment_id = $1 AND metric = $2 AND variant = $3
     FOR UPDATE`,
    [experimentId, decision.metric, decision.variant],
  );
  await tx.query(
    `INSERT INTO live_decisions (experiment_id, metric, variant, decision) VALUES ($1, $2, $3, $4)
     ON CONFLICT (experiment_id, metric, variant) DO UPDATE SET decision = EXCLUDED.decision`,
    [experimentId, decision.metric, decision.variant, decision.decision],
  );
  return before.rows[0]?.decision;
}
