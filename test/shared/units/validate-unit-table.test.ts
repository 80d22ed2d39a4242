/**
 * DESIGN.md "Unit-level tables": every row is a unit; without --metric, 0/1 and true/false
 * columns (any case) are binomial metrics, other numeric columns continuous, non-numeric ones
 * attributes; the unit column is never a metric and rows sharing a unit are an error; metric
 * names keep the header's spelling.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextTable } from '../../../shared/events/read-event-table.ts';
import {
  unitTableHeader,
  type UnitTableOptions,
} from '../../../shared/units/unit-table-options.ts';
import { validateUnitTable } from '../../../shared/units/validate-unit-table.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-units-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function validate(
  csv: string,
  options: Partial<UnitTableOptions> = {},
  numeric: readonly string[] = [],
) {
  const file = path.join(dir, `t-${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(file, csv);
  const full: UnitTableOptions = {
    kind: 'unit_table',
    experiment_id: 'e',
    variant_column: 'version',
    ...options,
  };
  const table = await readTextTable(file, 'csv', 'table.csv', unitTableHeader(full));
  return validateUnitTable(table, full, numeric);
}

const cookieCats = [
  'userid,Version,Sum_GameRounds,retention_1,RETENTION_7,platform,score',
  '116,gate_30,3,False,false,ios,0.5',
  '337,gate_30,38,True,FALSE,android,1',
  '377,gate_40,165,true,TRUE,android,2.25',
  '483,gate_40,1,FALSE,False,ios,0',
].join('\n');

describe('validateUnitTable', () => {
  it('detects metrics and attributes, keeps the header spelling, never makes the unit a metric', async () => {
    const units = await validate(cookieCats);
    expect(units.unitColumn).toBe('userid');
    expect(units.metrics).toEqual([
      { name: 'Sum_GameRounds', type: 'continuous' },
      { name: 'retention_1', type: 'binomial' },
      { name: 'RETENTION_7', type: 'binomial' },
      { name: 'score', type: 'continuous' },
    ]);
    expect(units.attributes).toEqual(['platform']);
    expect(units.frame.toRecords()).toEqual([
      {
        user_id: '116',
        variant: 'gate_30',
        exposed_at_us: null,
        'a.platform': 'ios',
        'm.Sum_GameRounds': 3,
        'm.retention_1': 0,
        'm.RETENTION_7': 0,
        'm.score': 0.5,
      },
      {
        user_id: '337',
        variant: 'gate_30',
        exposed_at_us: null,
        'a.platform': 'android',
        'm.Sum_GameRounds': 38,
        'm.retention_1': 1,
        'm.RETENTION_7': 0,
        'm.score': 1,
      },
      {
        user_id: '377',
        variant: 'gate_40',
        exposed_at_us: null,
        'a.platform': 'android',
        'm.Sum_GameRounds': 165,
        'm.retention_1': 1,
        'm.RETENTION_7': 1,
        'm.score': 2.25,
      },
      {
        user_id: '483',
        variant: 'gate_40',
        exposed_at_us: null,
        'a.platform': 'ios',
        'm.Sum_GameRounds': 1,
        'm.retention_1': 0,
        'm.RETENTION_7': 0,
        'm.score': 0,
      },
    ]);
  });

  it('with --metric, takes exactly those metrics and makes the other columns attributes', async () => {
    const units = await validate(cookieCats, {
      unit_column: 'USERID',
      metrics: [{ name: 'retention_7', type: 'binomial' }],
    });
    expect(units.metrics).toEqual([{ name: 'RETENTION_7', type: 'binomial' }]);
    expect(units.attributes).toEqual(['Sum_GameRounds', 'retention_1', 'platform', 'score']);
  });

  it('numbers rows without a unit column and keeps every row a unit', async () => {
    const units = await validate('version,converted\na,1\nb,0\na,1\n');
    expect(units.unitColumn).toBeUndefined();
    expect(units.frame.getColumn('user_id').toArray()).toEqual([
      'row-000000001',
      'row-000000002',
      'row-000000003',
    ]);
  });

  it.each([
    [
      'an empty variant',
      'userid,version,converted\n1,a,1\n2,,0\n',
      { line: 2, column: 'version', reason: 'empty version' },
    ],
    [
      'a binomial value that is not 0/1 or true/false',
      'userid,version,converted\n1,a,1\n2,b,yes\n',
      { line: 2, column: 'converted', reason: 'converted is not 0/1 or true/false' },
    ],
    [
      'a continuous value that is not a number',
      'userid,version,spend\n1,a,1.5\n2,b,abc\n',
      { line: 2, column: 'spend', reason: 'spend is not a number' },
    ],
    [
      'an empty metric',
      'userid,version,spend\n1,a,1.5\n2,b,\n',
      { line: 2, column: 'spend', reason: 'empty spend' },
    ],
  ])('rejects a row with %s', async (_case, csv, expected) => {
    const metrics = csv.includes('spend')
      ? [{ name: 'spend', type: 'continuous' as const }]
      : [{ name: 'converted', type: 'binomial' as const }];
    const units = await validate(csv, { metrics });
    expect(units.rejections).toHaveLength(1);
    expect(units.rejections[0]).toMatchObject({
      record: expected.line - 1,
      column: expected.column,
      reason: expected.reason,
    });
    expect(units.frame.height).toBe(1);
  });

  it('rejects a row whose numeric covariate is not a number; an empty one passes', async () => {
    const units = await validate(
      'userid,version,spend,Price\n1,a,1.5,10\n2,b,2,cheap\n3,b,2,\n',
      { metrics: [{ name: 'spend', type: 'continuous' }] },
      ['price'],
    );
    expect(units.rejections).toHaveLength(1);
    expect(units.rejections[0]).toMatchObject({
      record: 1,
      column: 'Price',
      value: 'cheap',
      reason: 'Price is not a number (a numeric covariate of experiment e)',
    });
    expect(units.frame.height).toBe(2);
  });

  it('refuses rows sharing a unit, naming the unit and its lines', async () => {
    await expect(validate('userid,version,converted\n7,a,1\n8,b,0\n7,b,1\n')).rejects.toThrow(
      'table.csv: unit "7" of column "userid" appears on more than one row (lines 2 and 4); each row must be one unit',
    );
  });

  it('names a variant or metric column that is missing', async () => {
    await expect(validate('userid,group,converted\n1,a,1\n')).rejects.toThrow(
      'table.csv: missing required column "version"',
    );
    await expect(
      validate(cookieCats, { metrics: [{ name: 'revenue', type: 'continuous' }] }),
    ).rejects.toThrow('missing required column "revenue"');
  });
});
