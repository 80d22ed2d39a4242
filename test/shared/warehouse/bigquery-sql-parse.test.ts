/**
 * The BigQuery form of the generated queries parses as BigQuery SQL (GoogleSQL) with
 * node-sql-parser's BigQuery grammar, offline; the DuckDB form of the same query does not (its
 * `$` parameters and DOUBLE casts are not GoogleSQL), so the check tells the dialects apart.
 */
import sqlParser from 'node-sql-parser/build/bigquery.js';
import { describe, expect, it } from 'vitest';
import {
  defaultMetrics,
  metricSpecs,
  type ExperimentDefinition,
} from '../../../shared/analysis/experiment-definition.ts';
import type { MomentsSchema } from '../../../shared/moments/moments-table.ts';
import { momentsQuery } from '../../../shared/warehouse/moments-sql.ts';
import type { CuratedEventsSource } from '../../../shared/warehouse/sql-dialect.ts';
import { userFactsQueries } from '../../../shared/warehouse/user-facts-sql.ts';
import { trapDefinition } from '../../support/trap-experiment.ts';

const parser = new sqlParser.Parser();
const bigquery: CuratedEventsSource = {
  dialect: 'bigquery',
  table: 'my-project.abtest.curated_events',
};
const duckdb: CuratedEventsSource = { dialect: 'duckdb', files: ['/data/batch_id=b_1.parquet'] };

function queriesOf(source: CuratedEventsSource, definition: ExperimentDefinition | undefined) {
  const metrics = definition === undefined ? defaultMetrics : metricSpecs(definition);
  const input = { experimentId: 'e', attributes: ['device', 'landing_page'], metrics, definition };
  const schema: MomentsSchema = {
    attributes: ['device'],
    metrics: [
      ...metrics.map((metric) => ({
        name: metric.name,
        kind: 'value' as const,
        type: metric.type,
        paired: definition !== undefined && metric.name === 'revenue',
      })),
      ...(definition === undefined
        ? []
        : [
            {
              name: 'revenue_per_order',
              kind: 'ratio' as const,
              type: 'continuous' as const,
              paired: true,
            },
          ]),
    ],
  };
  return [
    ...Object.entries(userFactsQueries(source, input)),
    ['moments', momentsQuery(source, { experimentId: 'e', schema, definition })] as const,
  ];
}

describe.each([
  ['the trap definition', trapDefinition],
  ['no definition', undefined],
])('the generated SQL with %s', (_label, definition: ExperimentDefinition | undefined) => {
  it.each(queriesOf(bigquery, definition))('%s query parses as BigQuery SQL', (_name, query) => {
    const ast = parser.astify(query.sql, { database: 'bigquery' });
    expect(Array.isArray(ast) ? ast.length : 1).toBe(1);
    expect(query.sql).toContain('FROM `my-project.abtest.curated_events`');
  });

  it.each(queriesOf(duckdb, definition))('%s query in the DuckDB form does not', (_name, query) => {
    expect(() => parser.astify(query.sql, { database: 'bigquery' })).toThrow();
  });
});
