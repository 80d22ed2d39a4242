/**
 * The Warehouse on DuckDB (`@duckdb/node-api`), in process over the local curated Parquet: the
 * same generated query as BigQuery's, so the warehouse path runs and is tested on a laptop.
 * One in-memory database per warehouse, created lazily.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { rowValue, type Warehouse, type WarehouseRequest, type WarehouseRow } from './warehouse.ts';

/**
 * Creates a DuckDB warehouse.
 * @returns the warehouse (engine `duckdb`)
 * @example const rows = await duckdbWarehouse().query({ sql: 'SELECT $x AS x', params: { x: 1 } })
 */
export function duckdbWarehouse(): Warehouse {
  let opened: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;
  const open = () =>
    (opened ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:');
      return { instance, connection: await instance.connect() };
    })());
  return {
    engine: 'duckdb',
    async query(request: WarehouseRequest): Promise<readonly WarehouseRow[]> {
      const { connection } = await open();
      const values: Record<string, DuckDBValue> = {};
      for (const [name, value] of Object.entries(request.params)) {
        // Whole numbers bind as BIGINT, as BigQuery's INT64 parameters do.
        values[name] = typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
      }
      const reader = await connection.runAndReadAll(request.sql, values);
      return reader
        .getRowObjectsJS()
        .map((row) =>
          Object.fromEntries(Object.entries(row).map(([name, cell]) => [name, rowValue(cell)])),
        );
    },
    async close() {
      if (opened === undefined) return;
      const { instance, connection } = await opened;
      connection.closeSync();
      instance.closeSync();
      opened = undefined;
    },
  };
}
