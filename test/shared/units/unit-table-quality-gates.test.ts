/**
 * Quality gates per column (a definition's `quality`) on unit-level tables, through the ingest
 * and validate stages on the local adapters: a value outside its range is a row error naming the
 * range (file, line, column), after the table's own checks; a column emptier than its
 * `max_null_share` rejects the file naming the column and both shares; gate columns match the
 * header case-insensitively; an experiment without gates reads the same file as before.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdapters, type Adapters } from '../../../shared/adapters/open-adapters.ts';
import { checkDefinition } from '../../../shared/analysis/experiment-definition.ts';
import { loadConfig } from '../../../shared/config/load-config.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { insertExperiment } from '../../../shared/store/experiment-records.ts';
import type { StageDeps } from '../../../shared/stages/stage-deps.ts';
import { validatedBatch } from '../../support/validated-batch.ts';

let dataDir = '';
let adapters: Adapters;
let deps: StageDeps;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'abtest-unit-gates-'));
  const config = loadConfig({ ABTEST_DATA_DIR: dataDir, ABTEST_REJECT_THRESHOLD: '0.9' });
  const logger = createLogger({ level: 'error', json: true, write: () => undefined });
  adapters = await openAdapters(config, logger);
  deps = { db: adapters.db, blobs: adapters.blobs, bus: adapters.bus, config, logger };
  for (const id of ['ranged', 'sparse']) {
    const gated = checkDefinition(
      id === 'ranged'
        ? { id, quality: { ranges: { sum_gamerounds: { min: 0, max: 1000 }, age: { min: 18 } } } }
        : { id, quality: { max_null_share: { Platform: 0.25 } } },
      `${id}.yaml`,
    );
    await deps.db.transaction((tx) => insertExperiment(tx, gated, 'running'));
  }
});

afterAll(async () => {
  await adapters?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const header = 'userid,version,Sum_GameRounds,retention_1,age,platform';
const rows = [
  '1,gate_30,3,1,30,ios', // line 2
  '2,gate_30,1500,0,40,android', // line 3: rounds above 1000
  '3,gate_40,-2,1,25,', // line 4: rounds below 0
  '4,gate_40,7,0,17,ios', // line 5: age below 18
  '5,gate_40,x,1,12,', // line 6: not a number (the table's own check comes first)
  '6,gate_30,9,1,,', // line 7: an empty age is no range error
];

async function validated(experimentId: string, name: string, lines: readonly string[]) {
  const file = path.join(dataDir, name);
  await writeFile(file, [header, ...lines, ''].join('\n'));
  return validatedBatch(deps, file, name, {
    kind: 'unit_table',
    experiment_id: experimentId,
    variant_column: 'version',
    metrics: [
      { name: 'sum_gamerounds', type: 'continuous' },
      { name: 'retention_1', type: 'binomial' },
    ],
  });
}

describe('quality gates on unit-level tables', () => {
  it('rejects a value outside its range as a row error naming the range, file, line and column', async () => {
    const batch = await validated('ranged', 'ranged.csv', rows);
    expect(batch.status).toBe('validated');
    expect(batch.rows_read).toBe(6);
    expect(batch.accepted).toBe(2);
    expect(batch.rejected).toBe(4);
    expect(batch.errors).toEqual([
      {
        line: 3,
        column: 'Sum_GameRounds',
        value: '1500',
        reason: 'Sum_GameRounds is outside its range [0, 1000]',
      },
      {
        line: 4,
        column: 'Sum_GameRounds',
        value: '-2',
        reason: 'Sum_GameRounds is outside its range [0, 1000]',
      },
      { line: 5, column: 'age', value: '17', reason: 'age is outside its range [18, ∞)' },
      { line: 6, column: 'Sum_GameRounds', value: 'x', reason: 'Sum_GameRounds is not a number' },
    ]);
    expect(batch.source).toBe('ranged.csv');
  });

  it('rejects the file when a column is emptier than its max_null_share, naming both shares', async () => {
    const batch = await validated('sparse', 'sparse.csv', rows);
    expect(batch.status).toBe('rejected');
    expect(batch.accepted).toBe(0);
    // Line 6 fails the table's own check, so the share is over the five other rows: 2 of 5.
    expect(batch.error_message).toBe(
      'sparse.csv: column platform is 40% empty in experiment sparse, above its max_null_share of 25%',
    );
    expect(batch.errors[0]?.column).toBe('platform');
  });

  it('accepts the same rows when the share is within the maximum', async () => {
    const batch = await validated('sparse', 'sparse-ok.csv', rows.slice(0, 2));
    expect(batch.status).toBe('validated');
    expect(batch.accepted).toBe(2);
    expect(batch.rejected).toBe(0);
  });

  it('changes nothing for an experiment without gates', async () => {
    const batch = await validated('plain', 'plain.csv', rows);
    expect(batch.status).toBe('validated');
    expect(batch.rejected).toBe(1);
    expect(batch.accepted).toBe(5);
    expect(batch.errors.map((error) => error.line)).toEqual([6]);
  });
});
