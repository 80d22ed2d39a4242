/**
 * Contract test of the BigQuery Warehouse adapter against a local double of the BigQuery REST
 * API (test/support/bigquery-rest-double.ts): the job the client sends carries the generated
 * query text, its parameters as typed named query parameters (no id in the text), the labels,
 * the byte cap, the timeout and the location; the rows come back as numbers and text.
 */
import type { BigQueryOptions } from '@google-cloud/bigquery';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigQueryWarehouse } from '../../../../shared/adapters/warehouse/bigquery-warehouse.ts';
import { metricSpecs } from '../../../../shared/analysis/experiment-definition.ts';
import { userFactsQueries } from '../../../../shared/warehouse/user-facts-sql.ts';
import {
  startBigQueryRestDouble,
  type BigQueryRestDouble,
} from '../../../support/bigquery-rest-double.ts';
import { trapDefinition } from '../../../support/trap-experiment.ts';

type AuthClientOption = NonNullable<BigQueryOptions['authClient']>;

let double: BigQueryRestDouble;

beforeAll(async () => {
  double = await startBigQueryRestDouble();
});
afterAll(() => double.close());

function openWarehouse() {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
  return bigQueryWarehouse({
    projectId: 'abtest-local',
    location: 'EU',
    maximumBytesBilled: 50_000_000_000,
    timeoutMs: 120_000,
    // The client's own google-auth-library is another major than the top-level one; the bearer
    // token check below shows it takes this client as it is.
    client: { apiEndpoint: double.endpoint, authClient: authClient as unknown as AuthClientOption },
  });
}

describe('the BigQuery warehouse adapter', () => {
  it('sends one query job with the query, typed parameters, labels, byte cap and timeout', async () => {
    const experimentId = "o'hara-checkout";
    const { counts } = userFactsQueries(
      { dialect: 'bigquery', table: 'abtest-local.abtest.curated_events' },
      {
        experimentId,
        attributes: ['device'],
        metrics: metricSpecs(trapDefinition),
        definition: trapDefinition,
      },
    );
    double.answer(
      [
        { name: 'events', type: 'INT64' },
        { name: 'excluded_multiple_variants', type: 'INT64' },
        { name: 'note', type: 'STRING' },
        { name: 'share', type: 'FLOAT64' },
      ],
      [[1234, 7, null, 0.25]],
    );
    const warehouse = openWarehouse();
    const rows = await warehouse.query({ ...counts, labels: { experiment: 'checkout' } });
    await warehouse.close();

    expect(rows).toEqual([
      { events: 1234, excluded_multiple_variants: 7, note: null, share: 0.25 },
    ]);
    expect(double.unsupported).toEqual([]);
    expect(double.jobs).toHaveLength(1);
    const job = double.jobs[0];
    expect(job?.project).toBe('abtest-local');
    expect(job?.authorization).toBe('Bearer test-token');
    expect(job?.body.jobReference?.location).toBe('EU');
    const configuration = job?.body.configuration ?? {};
    expect(configuration.labels).toEqual({ app: 'abtest', experiment: 'checkout' });
    expect(configuration.jobTimeoutMs).toBe('120000');
    const query = configuration.query as Record<string, unknown>;
    expect(query.query).toBe(counts.sql);
    expect(query.useLegacySql).toBe(false);
    expect(query.maximumBytesBilled).toBe('50000000000');
    expect(query.parameterMode).toBe('named');
    // The id travels as a parameter only, never inside the query text.
    expect(counts.sql).not.toContain(experimentId);
    expect(counts.sql).toContain('@experiment_id');
    const parameters = query.queryParameters as {
      name: string;
      parameterType: { type: string };
      parameterValue: { value: string };
    }[];
    expect(parameters.find((p) => p.name === 'experiment_id')).toEqual({
      name: 'experiment_id',
      parameterType: { type: 'STRING' },
      parameterValue: { value: experimentId },
    });
    expect(parameters.find((p) => p.name === 'start_us')).toEqual({
      name: 'start_us',
      parameterType: { type: 'INT64' },
      parameterValue: { value: String(Date.parse('2026-01-07T00:00:00Z') * 1000) },
    });
    expect(parameters.map((p) => p.name).sort()).toEqual(Object.keys(counts.params).sort());
  });
});
