/**
 * Quality gates per column (a definition's `quality`) through the ingest and validate stages on
 * the local adapters: a value outside its range is a row error naming the range (file, line,
 * column, reason), a column emptier than its maximum rejects the file naming the column and
 * both shares, each experiment's gates touch only its rows, and without gates nothing changes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdapters, type Adapters } from '../../../shared/adapters/open-adapters.ts';
import { checkDefinition } from '../../../shared/analysis/experiment-definition.ts';
import { loadConfig } from '../../../shared/config/load-config.ts';
import { rangeText } from '../../../shared/events/quality-gates.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { insertExperiment } from '../../../shared/store/experiment-records.ts';
import type { StageDeps } from '../../../shared/stages/stage-deps.ts';
import { validatedBatch } from '../../support/validated-batch.ts';

let dataDir = '';
let adapters: Adapters;
let deps: StageDeps;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'abtest-quality-gates-'));
  const config = loadConfig({ ABTEST_DATA_DIR: dataDir, ABTEST_REJECT_THRESHOLD: '0.5' });
  const logger = createLogger({ level: 'error', json: true, write: () => undefined });
  adapters = await openAdapters(config, logger);
  deps = { db: adapters.db, blobs: adapters.blobs, bus: adapters.bus, config, logger };
  const gated = checkDefinition(
    {
      id: 'gated',
      quality: {
        ranges: { value: { min: 0, max: 100 }, price: { min: 1 } },
        max_null_share: { price: 0.25 },
      },
    },
    'gated.yaml',
  );
  await deps.db.transaction((tx) => insertExperiment(tx, gated, 'running'));
});

afterAll(async () => {
  await adapters?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const header = 'event_id,user_id,experiment_id,variant,event_type,timestamp,value,price';
const row = (i: number, experiment: string, value: string, price: string) =>
  [`ev${i}`, `u${i}`, experiment, i % 2 === 0 ? 'control' : 'treatment', 'purchase']
    .concat(['2026-01-01T10:00:00Z', value, price])
    .join(',');

async function validated(name: string, rows: readonly string[]) {
  const file = path.join(dataDir, name);
  await writeFile(file, [header, ...rows, ''].join('\n'));
  return validatedBatch(deps, file, name);
}

describe('quality gates', () => {
  it('names ranges as intervals', () => {
    expect(rangeText({ min: 0, max: 100 })).toBe('[0, 100]');
    expect(rangeText({ min: 1 })).toBe('[1, ∞)');
    expect(rangeText({ max: 5 })).toBe('(-∞, 5]');
  });

  it('rejects a value outside its range as a row error naming the range, other experiments untouched', async () => {
    const batch = await validated('ranges.csv', [
      row(1, 'gated', '5', '3'),
      row(2, 'gated', '150', '3'), // line 3: value above 100
      row(3, 'gated', '7', '0.5'), // line 4: price below 1
      row(4, 'gated', '', '2'),
      row(5, 'other', '150', '0'), // no gates for "other"
      row(6, 'gated', '100', 'cheap'), // line 7: price not a number
    ]);
    expect(batch.status).toBe('validated');
    expect(batch.rows_read).toBe(6);
    expect(batch.rejected).toBe(3);
    expect(batch.accepted).toBe(3);
    expect(batch.errors).toEqual([
      { line: 3, column: 'value', value: '150', reason: 'value is outside its range [0, 100]' },
      { line: 4, column: 'price', value: '0.5', reason: 'price is outside its range [1, ∞)' },
      { line: 7, column: 'price', value: 'cheap', reason: 'price is outside its range [1, ∞)' },
    ]);
  });

  it('rejects the file when a column is emptier than its max_null_share, naming both shares', async () => {
    const batch = await validated('nulls.csv', [
      row(11, 'gated', '1', '2'),
      row(12, 'gated', '1', ''),
      row(13, 'gated', '1', ' '),
      row(14, 'gated', '1', '4'),
      row(15, 'other', '1', ''),
    ]);
    expect(batch.status).toBe('rejected');
    expect(batch.accepted).toBe(0);
    expect(batch.error_message).toBe(
      'nulls.csv: column price is 50% empty in experiment gated, above its max_null_share of 25%',
    );
    expect(batch.errors[0]?.column).toBe('price');
  });

  it('changes nothing for an experiment without gates', async () => {
    const batch = await validated('plain.csv', [
      row(21, 'plain', '1e9', ''),
      row(22, 'plain', '', ''),
    ]);
    expect(batch.status).toBe('validated');
    expect(batch.rejected).toBe(0);
    expect(batch.accepted).toBe(2);
  });

  it('checks the gates in the definition schema', () => {
    expect(() =>
      checkDefinition({ id: 'x', quality: { ranges: { value: { min: 5, max: 1 } } } }, 'x.yaml'),
    ).toThrow('x.yaml: quality.ranges.value: the range of value has min 5 above max 1');
    expect(() =>
      checkDefinition({ id: 'x', quality: { ranges: { value: {} } } }, 'x.yaml'),
    ).toThrow('x.yaml: quality.ranges.value: the range of value needs a min, a max or both');
    expect(() =>
      checkDefinition({ id: 'x', quality: { max_null_share: { value: 1.5 } } }, 'x.yaml'),
    ).toThrow('x.yaml: quality.max_null_share.value: max_null_share must be between 0 and 1');
  });
});
