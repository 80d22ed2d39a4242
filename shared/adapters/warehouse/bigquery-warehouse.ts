/**
 * The Warehouse on BigQuery (`@google-cloud/bigquery`): one query job per request, over the
 * BigLake external table of the curated bucket (terraform/warehouse.tf), with named parameters
 * (never ids in the text), job labels, a cap on the bytes billed (a query that would scan more
 * fails before it costs anything) and a job timeout (BigQuery cancels the job past it).
 * Jobs: https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationQuery
 */
import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { rowValue, type Warehouse, type WarehouseRequest, type WarehouseRow } from './warehouse.ts';

/** Settings of the BigQuery warehouse. */
export interface BigQueryWarehouseSettings {
  readonly projectId: string;
  /** The dataset's location (`US`, `EU`, `europe-west1`...): the job runs there. */
  readonly location: string;
  /** The job fails, unbilled, when it would bill more bytes than this. */
  readonly maximumBytesBilled: number;
  /** BigQuery cancels the job past this many milliseconds; the client waits as long. */
  readonly timeoutMs: number;
  /** Client options (`apiEndpoint` and `authClient` point it at a test double). */
  readonly client?: BigQueryOptions;
}

/**
 * Creates a BigQuery warehouse. The client is created once, lazily.
 * @param settings - project, location, byte cap, timeout
 * @returns the warehouse (engine `bigquery`)
 * @example const warehouse = bigQueryWarehouse({ projectId: 'p', location: 'EU', maximumBytesBilled: 1e11, timeoutMs: 600_000 })
 */
export function bigQueryWarehouse(settings: BigQueryWarehouseSettings): Warehouse {
  let client: BigQuery | undefined;
  return {
    engine: 'bigquery',
    async query(request: WarehouseRequest): Promise<readonly WarehouseRow[]> {
      client ??= new BigQuery({
        ...settings.client,
        projectId: settings.projectId,
        location: settings.location,
      });
      // Every parameter typed, numbers as decimal text: QueryParameterValue.value is a string.
      const params: Record<string, string> = {};
      const types: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.params)) {
        params[name] = String(value);
        types[name] =
          typeof value === 'string' ? 'STRING' : Number.isInteger(value) ? 'INT64' : 'FLOAT64';
      }
      const [job] = await client.createQueryJob({
        query: request.sql,
        params,
        types,
        useLegacySql: false,
        location: settings.location,
        labels: { app: 'abtest', ...request.labels },
        maximumBytesBilled: String(Math.floor(settings.maximumBytesBilled)),
        jobTimeoutMs: settings.timeoutMs,
      });
      const [rows] = await job.getQueryResults({ timeoutMs: settings.timeoutMs });
      return (rows as Record<string, unknown>[]).map((row) =>
        Object.fromEntries(Object.entries(row).map(([name, cell]) => [name, rowValue(cell)])),
      );
    },
    async close() {
      client = undefined;
    },
  };
}
