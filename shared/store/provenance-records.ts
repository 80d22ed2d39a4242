/**
 * The batches behind an analysis as its provenance lists them: every curated batch of an
 * experiment with its source, the SHA-256 of its raw bytes and its rows accepted for the
 * experiment, and where its raw bytes are kept (for `abtest verify`).
 */
import type { Queryable } from '../adapters/database/database.ts';
import type { ProvenanceInput } from '../result/result-document.ts';

/**
 * The inputs of an analysis of an experiment: every curated batch, by batch id.
 * @param db - the database
 * @param experimentId - the experiment
 * @returns one input per batch
 * @example await analysisInputs(db, 'exp1')
 */
export async function analysisInputs(
  db: Queryable,
  experimentId: string,
): Promise<ProvenanceInput[]> {
  const result = await db.query<ProvenanceInput>(
    `SELECT be.batch_id, b.source, b.content_hash AS sha256, be.accepted
     FROM batch_experiments be JOIN ingest_batches b ON b.batch_id = be.batch_id
     WHERE be.experiment_id = $1 ORDER BY be.batch_id`,
    [experimentId],
  );
  return [...result.rows];
}

/**
 * Where the raw bytes of some batches are kept.
 * @param db - the database
 * @param batchIds - the batches
 * @returns raw-bucket keys by batch id (unknown batches are absent)
 * @example (await rawKeys(db, ['b_1'])).get('b_1') // 'batches/b_1/source.csv'
 */
export async function rawKeys(
  db: Queryable,
  batchIds: readonly string[],
): Promise<Map<string, string>> {
  const result = await db.query<{ batch_id: string; raw_key: string }>(
    'SELECT batch_id, raw_key FROM ingest_batches WHERE batch_id = ANY($1)',
    [batchIds],
  );
  return new Map(result.rows.map((row) => [row.batch_id, row.raw_key]));
}
