/**
 * The events contract through the ingest and validate stages, on the local adapters (PGlite,
 * local folders, in-process bus): the rejected-share threshold, the rejections file, nothing
 * curated for a rejected batch, and validation that changes nothing when repeated.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdapters, type Adapters } from '../../../shared/adapters/open-adapters.ts';
import { loadConfig } from '../../../shared/config/load-config.ts';
import { hashFile } from '../../../shared/events/hash-file.ts';
import { formatFromFileName } from '../../../shared/events/source-format.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { findBatch } from '../../../shared/store/batch-records.ts';
import { ingestUpload } from '../../../shared/stages/ingest.ts';
import type { StageDeps } from '../../../shared/stages/stage-deps.ts';
import { validateBatch } from '../../../shared/stages/validate.ts';
import { timestampReason } from './helpers.ts';

let dataDir = '';
let uploadsDir = '';
let adapters: Adapters;
let deps: StageDeps;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'abtest-validate-stage-'));
  uploadsDir = path.join(dataDir, 'incoming');
  await mkdir(uploadsDir);
  const config = loadConfig({ ABTEST_DATA_DIR: dataDir });
  const logger = createLogger({ level: 'error', json: true, write: () => undefined });
  adapters = await openAdapters(config, logger);
  deps = { db: adapters.db, blobs: adapters.blobs, bus: adapters.bus, config, logger };
});

afterAll(async () => {
  await adapters?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Ingests a file as an upload named `name`. */
async function ingest(name: string, content: string) {
  const filePath = path.join(uploadsDir, name);
  await writeFile(filePath, content);
  const { sha256, bytes } = await hashFile(filePath);
  const format = formatFromFileName(name);
  if (format === undefined) throw new Error(name);
  return ingestUpload(deps, {
    content: filePath,
    source: name,
    format,
    contentHash: sha256,
    byteSize: bytes,
  });
}

const header = 'event_id,user_id,experiment_id,variant,event_type,timestamp,value';
const row = (i: number, experiment: string, fields: Partial<Record<string, string>> = {}) =>
  [
    fields.event_id ?? `ev${i}`,
    fields.user_id ?? `u${i}`,
    experiment,
    i % 2 === 0 ? 'control' : 'treatment',
    'exposure',
    fields.timestamp ?? '2026-01-01T10:00:00Z',
    fields.value ?? '',
  ].join(',');

const curatedKeys = () => adapters.blobs.list(deps.config.buckets.curated, 'events/');

describe('validateBatch with the rejected share at the threshold (2 of 40 = 5%)', () => {
  let batchId = '';

  it('is validated, counts every row, and writes the curated events', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => {
      if (i === 1) return row(i, 'exp-ok', { value: '=1+2' });
      if (i === 5) return row(i, 'exp-ok', { timestamp: '@yesterday' });
      if (i === 9) return row(i, 'exp-ok', { event_id: 'ev8' });
      return row(i, 'exp-ok', { value: i % 3 === 0 ? '9.5' : '' });
    });
    const outcome = await ingest('at-threshold.csv', `${header}\n${rows.join('\n')}\n`);
    expect(outcome.fileError).toBeUndefined();
    batchId = outcome.batch.batch_id;
    expect(outcome.batch.status).toBe('received');

    await validateBatch(deps, batchId);
    const batch = await findBatch(deps.db, batchId);
    expect({
      status: batch?.status,
      rows_read: batch?.rows_read,
      accepted: batch?.accepted,
      rejected: batch?.rejected,
      duplicates: batch?.duplicates,
      errors: batch?.errors,
      error_message: batch?.error_message,
      rejections_key: batch?.rejections_key,
    }).toEqual({
      status: 'validated',
      rows_read: 40,
      accepted: 37,
      rejected: 2,
      duplicates: 1,
      errors: [
        { line: 3, column: 'value', value: '=1+2', reason: 'value is not a number' },
        { line: 7, column: 'timestamp', value: '@yesterday', reason: timestampReason },
      ],
      error_message: null,
      rejections_key: `rejections/${batchId}.csv`,
    });

    const curatedKey = `events/experiment_id=exp-ok/batch_id=${batchId}.parquet`;
    expect(await curatedKeys()).toEqual([curatedKey]);
    const curated = pl.readParquet(
      await adapters.blobs.localFile(deps.config.buckets.curated, curatedKey),
    );
    expect(curated.height).toBe(37);
    expect(curated.getColumn('event_id').toArray()).not.toContain('ev1');
    expect(curated.schema.timestamp).toEqual(pl.Datetime('us', 'UTC'));
  });

  it('writes the rejections CSV with formula-looking values neutralised', async () => {
    const text = (
      await adapters.blobs.read(deps.config.buckets.raw, `rejections/${batchId}.csv`)
    ).toString('utf8');
    expect(text).toBe(
      'line,column,value,reason\r\n' +
        "3,value,'=1+2,value is not a number\r\n" +
        `7,timestamp,'@yesterday,${timestampReason}\r\n`,
    );
  });

  it('changes nothing when the same batch is validated again', async () => {
    const before = await snapshot(batchId);
    await validateBatch(deps, batchId);
    expect(await snapshot(batchId)).toEqual(before);
  });

  it('writes the same files and row when replayed after a crash before the commit', async () => {
    const before = await snapshot(batchId);
    await deps.db.query(`UPDATE ingest_batches SET status = 'received' WHERE batch_id = $1`, [
      batchId,
    ]);
    await validateBatch(deps, batchId);
    expect(await snapshot(batchId)).toEqual(before);
  });
});

/** Everything validation wrote for a batch: its row and the bytes of its objects. */
async function snapshot(batchId: string) {
  const keys = await curatedKeys();
  const objects = await Promise.all(
    keys.map(async (key) => [
      key,
      (await adapters.blobs.read(deps.config.buckets.curated, key)).toString('base64'),
    ]),
  );
  const rejections = await adapters.blobs
    .read(deps.config.buckets.raw, `rejections/${batchId}.csv`)
    .then((buffer) => buffer.toString('utf8'))
    .catch(() => null);
  const links = await deps.db.query(
    'SELECT batch_id, experiment_id, accepted, duplicates, curated_key FROM batch_experiments ORDER BY batch_id, experiment_id',
  );
  return { batch: await findBatch(deps.db, batchId), objects, rejections, links: links.rows };
}

describe('validateBatch with the rejected share above the threshold (2 of 20 = 10%)', () => {
  it('rejects the batch, says the share and the threshold, and curates nothing', async () => {
    const curatedBefore = await curatedKeys();
    const rows = Array.from({ length: 20 }, (_, i) =>
      row(i, 'exp-over', i === 4 || i === 11 ? { value: '-5' } : {}),
    );
    const outcome = await ingest('over-threshold.csv', `${header}\n${rows.join('\n')}\n`);
    const batchId = outcome.batch.batch_id;
    await validateBatch(deps, batchId);
    const batch = await findBatch(deps.db, batchId);
    expect({
      status: batch?.status,
      error_message: batch?.error_message,
      accepted: batch?.accepted,
      rejected: batch?.rejected,
      errors: batch?.errors,
    }).toEqual({
      status: 'rejected',
      error_message:
        'over-threshold.csv: 10.0% of rows rejected (2 of 20), above the threshold of 5.0%',
      accepted: 0,
      rejected: 20,
      errors: [
        { line: 6, column: 'value', value: '-5', reason: 'value is negative' },
        { line: 13, column: 'value', value: '-5', reason: 'value is negative' },
      ],
    });
    expect(await curatedKeys()).toEqual(curatedBefore);
    const links = await deps.db.query('SELECT 1 FROM batch_experiments WHERE batch_id = $1', [
      batchId,
    ]);
    expect(links.rows).toEqual([]);
    const experiments = await deps.db.query(
      `SELECT 1 FROM experiments WHERE experiment_id = 'exp-over'`,
    );
    expect(experiments.rows).toEqual([]);
  });
});

describe('file errors met at each stage', () => {
  it('ingest rejects a file missing a required column, and validate leaves it be', async () => {
    const outcome = await ingest(
      'no-variant.csv',
      'user_id,experiment_id,event_type,timestamp\nu1,e,x,0\n',
    );
    expect(outcome.fileError?.message).toBe('no-variant.csv: missing required column "variant"');
    expect(outcome.batch.status).toBe('rejected');
    await validateBatch(deps, outcome.batch.batch_id);
    const batch = await findBatch(deps.db, outcome.batch.batch_id);
    expect({ status: batch?.status, errors: batch?.errors }).toEqual({
      status: 'rejected',
      errors: [
        {
          line: 1,
          column: 'variant',
          value: null,
          reason: 'no-variant.csv: missing required column "variant"',
        },
      ],
    });
  });

  it('validate rejects a CSV whose malformation only parsing finds (not an internal error)', async () => {
    const text = `${header}\n${row(0, 'exp-ragged')}\n${row(1, 'exp-ragged')},surplus\n`;
    const outcome = await ingest('ragged.csv', text);
    expect(outcome.batch.status).toBe('received');
    await validateBatch(deps, outcome.batch.batch_id);
    const batch = await findBatch(deps.db, outcome.batch.batch_id);
    expect({ status: batch?.status, error_message: batch?.error_message }).toEqual({
      status: 'rejected',
      error_message:
        'ragged.csv: not well-formed CSV: a record has more fields than the header has columns',
    });
    expect((await curatedKeys()).filter((key) => key.includes('exp-ragged'))).toEqual([]);
  });

  it('validate rejects NDJSON broken after its first record, naming the line', async () => {
    const record = (user: string) =>
      JSON.stringify({
        user_id: user,
        experiment_id: 'exp-ndjson',
        variant: 'a',
        event_type: 'exposure',
        timestamp: '2026-01-01T00:00:00Z',
      });
    const text = `${record('u1')}\n${record('u2')}\n{"user_id": "u3",\n`;
    const outcome = await ingest('broken-later.ndjson', text);
    expect(outcome.batch.status).toBe('received');
    await validateBatch(deps, outcome.batch.batch_id);
    const batch = await findBatch(deps.db, outcome.batch.batch_id);
    expect(batch?.status).toBe('rejected');
    expect(batch?.error_message).toMatch(/^broken-later\.ndjson: line 3: broken JSON/);
    expect(batch?.errors[0]?.line).toBe(3);
  });

  it('ingest rejects NDJSON whose first record misses a required column', async () => {
    const text = `${JSON.stringify({ user_id: 'u1', variant: 'a' })}\n`;
    const outcome = await ingest('missing.ndjson', text);
    expect(outcome.batch.status).toBe('rejected');
    expect(outcome.fileError?.message).toMatch(
      /missing required columns "experiment_id", "event_type", "timestamp"/,
    );
  });

  it('keeps the raw upload byte for byte', async () => {
    const text = `\uFEFF${header}\r\n${row(0, 'exp-raw')}\r\n`;
    const outcome = await ingest('raw.csv', text);
    const stored = await adapters.blobs.read(deps.config.buckets.raw, outcome.batch.raw_key);
    expect(stored.equals(await readFile(path.join(uploadsDir, 'raw.csv')))).toBe(true);
  });
});
