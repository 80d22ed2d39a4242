/**
 * The Database on Cloud SQL for PostgreSQL through the Cloud SQL Node.js connector
 * (`@google-cloud/cloud-sql-connector`): the connector fetches an ephemeral client certificate
 * from the SQL Admin API and hands `pg` a TLS stream to the instance, so no IP allow-list and
 * no Auth Proxy sidecar are needed. The function's service account needs
 * `roles/cloudsql.client`. Only this file imports the connector.
 * (https://cloud.google.com/sql/docs/postgres/connect-connectors#node.js)
 */
import {
  AuthTypes,
  Connector,
  IpAddressTypes,
  type ConnectionOptions,
  type DriverOptions,
} from '@google-cloud/cloud-sql-connector';
import pg from 'pg';
import type { Config } from '../../config/load-config.ts';
import type { Database } from './database.ts';
import { databaseOverPool } from './pg-database.ts';

/** The Cloud SQL settings of the configuration (`CLOUD_SQL_INSTANCE`, `DB_USER`, ...). */
export type CloudSqlSettings = Extract<Config['database'], { readonly kind: 'cloudsql' }>;

/** The part of the connector abtest uses; tests hand in a double. */
export interface CloudSqlConnector {
  getOptions(options: ConnectionOptions): Promise<DriverOptions>;
  close(): void;
}

const ipTypes: Readonly<Record<CloudSqlSettings['ipType'], IpAddressTypes>> = {
  PUBLIC: IpAddressTypes.PUBLIC,
  PRIVATE: IpAddressTypes.PRIVATE,
  PSC: IpAddressTypes.PSC,
};

/**
 * What the connector is asked for: the instance connection name, the address type, and
 * password authentication (the password comes from Secret Manager as `DB_PASSWORD`).
 * @param settings - the Cloud SQL settings
 * @returns the connector's connection options
 * @example cloudSqlConnectionOptions(settings).instanceConnectionName // 'proj:europe-west1:abtest'
 */
export function cloudSqlConnectionOptions(settings: CloudSqlSettings): ConnectionOptions {
  return {
    instanceConnectionName: settings.instance,
    ipType: ipTypes[settings.ipType],
    authType: AuthTypes.PASSWORD,
  };
}

/**
 * The `pg.Pool` settings over the connector's stream.
 * @param settings - the Cloud SQL settings
 * @param driver - what `Connector.getOptions` answered (its `stream` opens a TLS socket)
 * @returns the pool configuration
 * @example new pg.Pool(cloudSqlPoolConfig(settings, await connector.getOptions(options)))
 */
export function cloudSqlPoolConfig(
  settings: CloudSqlSettings,
  driver: DriverOptions,
): pg.PoolConfig {
  return {
    stream: driver.stream,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    max: settings.poolMax,
  };
}

/**
 * Opens a connection pool to a Cloud SQL instance through the connector.
 * @param settings - the Cloud SQL settings
 * @param connector - the connector (a new one by default; closed with the database)
 * @returns the database, migrations not yet applied
 * @throws whatever the connector throws when the SQL Admin API refuses (no permission, no
 *   such instance)
 * @example const db = await openCloudSqlDatabase(config.database)
 */
export async function openCloudSqlDatabase(
  settings: CloudSqlSettings,
  connector: CloudSqlConnector = new Connector(),
): Promise<Database> {
  const driver = await connector.getOptions(cloudSqlConnectionOptions(settings));
  const db = databaseOverPool(new pg.Pool(cloudSqlPoolConfig(settings, driver)));
  return {
    ...db,
    async close() {
      try {
        await db.close();
      } finally {
        connector.close();
      }
    },
  };
}
