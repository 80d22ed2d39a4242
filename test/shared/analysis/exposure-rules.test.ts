/**
 * DESIGN.md "Statistics conventions", the unit of analysis: a user enters at their first
 * exposure and belongs to its variant; events before it or outside the window do not count;
 * events at the exposure instant count; a user exposed in two variants is excluded; a user's
 * attributes are those on their first exposure event.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUserFrame } from '../../../shared/analysis/build-user-table.ts';
import {
  defaultMetrics,
  parseExperimentDefinition,
} from '../../../shared/analysis/experiment-definition.ts';
import { runFiles } from '../../../shared/local/run-files.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';

const rows = [
  'user_id,experiment_id,variant,event_type,timestamp,value,device',
  // u1: purchase before exposure does not count; purchase at the exposure instant counts
  'u1,e,control,purchase,2026-01-01T09:00:00Z,100,mobile',
  'u1,e,control,exposure,2026-01-01T10:00:00Z,,mobile',
  'u1,e,control,purchase,2026-01-01T10:00:00Z,7.5,desktop',
  // u2: first exposure decides variant and attributes; a later exposure of the same variant is fine
  'u2,e,treatment,exposure,2026-01-02T10:00:00Z,,tablet',
  'u2,e,treatment,exposure,2026-01-01T08:00:00Z,,desktop',
  'u2,e,treatment,purchase,2026-01-01T09:00:00Z,20,',
  // u3: exposed in two variants: excluded
  'u3,e,control,exposure,2026-01-01T10:00:00Z,,mobile',
  'u3,e,treatment,exposure,2026-01-01T11:00:00Z,,mobile',
  'u3,e,control,purchase,2026-01-01T12:00:00Z,5,mobile',
  // u4: purchases but never exposed: not analysed
  'u4,e,control,purchase,2026-01-01T12:00:00Z,5,mobile',
  // u5: exposed after the window ends (see definition): not analysed
  'u5,e,control,exposure,2026-02-01T00:00:01Z,,mobile',
  // u6: purchase after the window ends does not count
  'u6,e,treatment,exposure,2026-01-03T00:00:00Z,,mobile',
  'u6,e,treatment,purchase,2026-01-31T23:59:59Z,30,mobile',
  'u6,e,treatment,purchase,2026-02-01T00:00:01Z,40,mobile',
];

let stack: LocalStack;
let file: string;

beforeAll(async () => {
  stack = await openLocalStack({}, { chain: true });
  file = path.join(stack.dataDir, 'rules.csv');
  await writeFile(file, `${rows.join('\n')}\n`);
});

afterAll(async () => {
  await stack.close();
});

describe('who is analysed and what counts', () => {
  it('builds the per-user table by the conventions', async () => {
    const curated = path.join(stack.dataDir, 'curated.parquet');
    const events = pl
      .readCSV(file, { inferSchemaLength: 0 })
      .withColumns(
        pl.col('timestamp').str.strptime(pl.Datetime('ms'), '%+').cast(pl.Datetime('us', 'UTC')),
        pl.col('value').cast(pl.Float64),
        pl.lit('x').alias('event_id'),
      );
    events.writeParquet(curated);
    const definition = parseExperimentDefinition('id: e\nend_at: 2026-02-01T00:00:00Z\n', 'e.yaml');
    const users = await buildUserFrame([curated], defaultMetrics, definition);
    expect(users.excludedMultipleVariants).toBe(1);
    expect(
      users.frame.select('user_id', 'variant', 'a.device', 'm.conversion', 'm.revenue').toRecords(),
    ).toEqual([
      {
        user_id: 'u1',
        variant: 'control',
        'a.device': 'mobile',
        'm.conversion': 1,
        'm.revenue': 7.5,
      },
      {
        user_id: 'u2',
        variant: 'treatment',
        'a.device': 'desktop',
        'm.conversion': 1,
        'm.revenue': 20,
      },
      {
        user_id: 'u6',
        variant: 'treatment',
        'a.device': 'mobile',
        'm.conversion': 1,
        'm.revenue': 30,
      },
    ]);
  });

  it('reports the same through the whole chain with a definition', async () => {
    const definition = parseExperimentDefinition(
      'id: e\nend_at: 2026-02-01T00:00:00Z\nvariants:\n  - {key: control, weight: 25, control: true}\n  - {key: treatment, weight: 75}\n',
      'e.yaml',
    );
    const { document } = await runFiles(stack.deps, [{ path: file }], {
      definition,
      source: 'e.yaml',
    });
    const [experiment] = document.experiments;
    expect(experiment?.data).toEqual({
      events: 14,
      users: 3,
      excluded_users: { multiple_variants: 1 },
    });
    expect(experiment?.srm.expected_share).toEqual({ control: 0.25, treatment: 0.75 });
    expect(experiment?.srm.observed).toEqual({ control: 1, treatment: 2 });
    const revenue = experiment?.metrics.find((metric) => metric.name === 'revenue');
    expect(revenue?.variants.map((v) => [v.variant, v.users, v.sum])).toEqual([
      ['control', 1, 7.5],
      ['treatment', 2, 50],
    ]);
  });
});
