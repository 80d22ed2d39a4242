/**
 * The Cloud SQL adapter, offline: how the configuration becomes the connector's options and the
 * pool's settings, that the pool really runs over the stream the connector hands out (a double
 * of the connector whose stream is plain TCP to the local PostgreSQL server, when
 * `TEST_DATABASE_URL` is set), and that only the adapter imports the connector. The real
 * connector, which asks the SQL Admin API for a certificate, cannot be reached from here.
 */
import net from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectionOptions } from '@google-cloud/cloud-sql-connector';
import {
  cloudSqlConnectionOptions,
  cloudSqlPoolConfig,
  openCloudSqlDatabase,
  type CloudSqlConnector,
  type CloudSqlSettings,
} from '../../shared/adapters/database/cloud-sql-database.ts';
import { migrate } from '../../shared/adapters/database/migrate.ts';
import { ConfigError, loadConfig } from '../../shared/config/load-config.ts';
import { scratchPostgres } from '../support/scratch-postgres.ts';
import { repoRoot } from './code-facts.ts';

const cloudSqlEnvironment = {
  CLOUD_SQL_INSTANCE: 'my-project:europe-west1:abtest-pg',
  DB_USER: 'abtest',
  DB_PASSWORD: 'from-secret-manager',
  DB_NAME: 'abtest',
};

function cloudSqlSettings(env: Record<string, string>): CloudSqlSettings {
  const database = loadConfig(env).database;
  if (database.kind !== 'cloudsql') throw new Error(`expected cloudsql, got ${database.kind}`);
  return database;
}

/** A connector double: records what it was asked, and streams to `connect()`'s socket. */
function connectorDouble(connect: () => net.Socket) {
  const asked: ConnectionOptions[] = [];
  let closed = 0;
  let dialled = 0;
  const connector: CloudSqlConnector = {
    async getOptions(options) {
      asked.push(options);
      return {
        stream: () => {
          // Like the real connector's TLS socket: already dialled, so pg's connect() is a no-op.
          const socket = connect();
          dialled += 1;
          socket.connect = (() => socket) as typeof socket.connect;
          return socket as unknown as tls.TLSSocket;
        },
      };
    },
    close() {
      closed += 1;
    },
  };
  return { connector, asked, closed: () => closed, dialled: () => dialled };
}

describe('Cloud SQL settings to connector options', () => {
  it('maps the instance, the IP type and password authentication', () => {
    const settings = cloudSqlSettings({ ...cloudSqlEnvironment, CLOUD_SQL_IP_TYPE: 'PRIVATE' });
    expect(cloudSqlConnectionOptions(settings)).toEqual({
      instanceConnectionName: 'my-project:europe-west1:abtest-pg',
      ipType: 'PRIVATE',
      authType: 'PASSWORD',
    });
  });

  it('dials the public IP with a pool of 4 unless told otherwise', () => {
    const settings = cloudSqlSettings(cloudSqlEnvironment);
    expect(settings.ipType).toBe('PUBLIC');
    expect(settings.poolMax).toBe(4);
    expect(cloudSqlConnectionOptions(settings).ipType).toBe('PUBLIC');
  });

  it('puts user, password, database and pool size beside the connector stream', () => {
    const settings = cloudSqlSettings({ ...cloudSqlEnvironment, CLOUD_SQL_POOL_MAX: '2' });
    const stream = () => new net.Socket() as unknown as tls.TLSSocket;
    expect(cloudSqlPoolConfig(settings, { stream })).toEqual({
      stream,
      user: 'abtest',
      password: 'from-secret-manager',
      database: 'abtest',
      max: 2,
    });
  });

  it.each([
    [{ ...cloudSqlEnvironment, CLOUD_SQL_IP_TYPE: 'INTERNAL' }, /CLOUD_SQL_IP_TYPE/],
    [{ ...cloudSqlEnvironment, CLOUD_SQL_POOL_MAX: '0' }, /CLOUD_SQL_POOL_MAX/],
    [{ CLOUD_SQL_INSTANCE: 'p:r:i', DB_NAME: 'abtest' }, /DB_USER.*CLOUD_SQL_INSTANCE/],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('openCloudSqlDatabase', () => {
  it('passes on the connector refusing, without opening a pool', async () => {
    const refused = new Error('sqladmin: the caller does not have permission');
    const connector: CloudSqlConnector = {
      getOptions: () => Promise.reject(refused),
      close: () => undefined,
    };
    await expect(
      openCloudSqlDatabase(cloudSqlSettings(cloudSqlEnvironment), connector),
    ).rejects.toBe(refused);
  });

  const adminUrl = process.env.TEST_DATABASE_URL;
  describe.skipIf(adminUrl === undefined)(
    'over a connector double (TCP to TEST_DATABASE_URL)',
    () => {
      const server = scratchPostgres(adminUrl ?? 'postgres://127.0.0.1:5432/test');
      afterAll(() => server.close());

      it('queries and migrates through the stream, and closes the connector with the pool', async () => {
        const scratch = await server.create();
        const url = new URL(scratch.url);
        const double = connectorDouble(() =>
          net.connect({ host: url.hostname, port: Number(url.port || 5432) }),
        );
        const settings = cloudSqlSettings({
          CLOUD_SQL_INSTANCE: 'my-project:europe-west1:abtest-pg',
          DB_USER: decodeURIComponent(url.username),
          DB_PASSWORD: decodeURIComponent(url.password),
          DB_NAME: scratch.name,
          CLOUD_SQL_POOL_MAX: '2',
        });
        const db = await openCloudSqlDatabase(settings, double.connector);
        try {
          expect(double.asked).toEqual([
            {
              instanceConnectionName: 'my-project:europe-west1:abtest-pg',
              ipType: 'PUBLIC',
              authType: 'PASSWORD',
            },
          ]);
          const who = await db.query<{ db: string }>('SELECT current_database() AS db');
          expect(who.rows).toEqual([{ db: scratch.name }]);
          const applied = await migrate(db);
          expect(applied.length).toBeGreaterThan(0);
          const tables = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM information_schema.tables
           WHERE table_name IN ('ingest_batches', 'outbox_messages', 'analyses')`,
          );
          expect(tables.rows).toEqual([{ n: 3 }]);
          // The pool's connections (at most 2) were dialled by the connector's stream.
          expect(double.dialled()).toBeGreaterThanOrEqual(1);
          expect(double.dialled()).toBeLessThanOrEqual(2);
        } finally {
          await db.close();
          await scratch.drop();
        }
        expect(double.closed()).toBe(1);
      });
    },
  );
});

describe('the connector import boundary', () => {
  it('is imported by shared/adapters/database/cloud-sql-database.ts only', async () => {
    const importers: string[] = [];
    for (const top of ['shared', 'functions', 'bin', 'scripts']) {
      const dir = path.join(repoRoot, top);
      const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
      for (const entry of entries) {
        if (!entry.isFile() || !/\.(ts|js|mjs)$/.test(entry.name)) continue;
        const file = path.join(entry.parentPath, entry.name);
        if ((await readFile(file, 'utf8')).includes('@google-cloud/cloud-sql-connector')) {
          importers.push(path.relative(repoRoot, file));
        }
      }
    }
    expect(importers).toEqual(['shared/adapters/database/cloud-sql-database.ts']);
  });
});
