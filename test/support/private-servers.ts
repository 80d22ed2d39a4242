/**
 * Servers a fault test starts for itself and may stop, kill and start again: a PostgreSQL
 * (`initdb` and `postgres` from /usr/lib/postgresql/<version>/bin, on a spare port, its data in
 * a temporary folder) and a Pub/Sub emulator (`gcloud beta emulators pubsub start`, on a spare
 * port). Each runs in a process group of its own and is stopped by that group, so the shared
 * PostgreSQL on 5432 and the shared emulator on 8085 are never touched. When a tool is missing
 * the start says why (the test then skips with that reason, never silently).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A spare TCP port on 127.0.0.1 (free when asked; the server binds it right after). */
export async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once something accepts connections on the port (or rejects after `timeoutMs`). */
export async function portOpen(port: number, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${label} did not open 127.0.0.1:${port}`);
    await sleep(200);
  }
}

/** A process group started by the test. */
interface Group {
  readonly child: ChildProcess;
  readonly log: () => string;
}

function startGroup(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Group {
  // detached: the child calls setsid() and leads a process group of its own.
  const child = spawn(command, [...args], {
    detached: true,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  return { child, log: () => log };
}

/** Signals a whole group and waits for its leader to exit. */
async function stopGroup(group: Group, signal: NodeJS.Signals): Promise<void> {
  const pid = group.child.pid;
  if (pid === undefined || group.child.exitCode !== null || group.child.signalCode !== null) return;
  const exited = new Promise((resolve) => group.child.once('exit', resolve));
  try {
    process.kill(-pid, signal);
  } catch {
    return;
  }
  await exited;
  // Children that outlive the leader (the emulator's java, postgres backends) go too.
  for (let i = 0; i < 50; i += 1) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    if (i === 25) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        return;
      }
    }
    await sleep(100);
  }
}

/** A private PostgreSQL server. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/abtest`. */
  readonly url: string;
  readonly port: number;
  /** Kills the server at once (SIGKILL to its whole group: a crash, no shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same data and port (crash recovery runs). */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

/** Where this machine's PostgreSQL programs are, or undefined. */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(path.join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(root, versions[0], 'bin');
}

/**
 * Starts a PostgreSQL server of the test's own: `initdb` into a temporary folder, `postgres`
 * on a spare port of 127.0.0.1 (trust authentication), a database `abtest`. As root, the server
 * runs as the `postgres` user (PostgreSQL refuses to run as root).
 * @returns the server, or the reason it cannot be started here
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres | string> {
  const bin = postgresBin();
  if (bin === undefined) return 'no PostgreSQL programs under /usr/lib/postgresql/<version>/bin';
  const asRoot = process.getuid?.() === 0;
  let runAs: readonly string[] = [];
  if (asRoot) {
    const user = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (user.status !== 0) return 'running as root and there is no postgres user to run PostgreSQL';
    runAs = ['runuser', '-u', 'postgres', '--'];
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'abtest-private-pg-'));
  if (asRoot) {
    const ids = spawnSync('id', ['postgres'], { encoding: 'utf8' }).stdout;
    const uid = Number(/uid=(\d+)/.exec(ids)?.[1]);
    const gid = Number(/gid=(\d+)/.exec(ids)?.[1]);
    await chown(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const run = (program: string, args: readonly string[]) =>
    runAs.length === 0
      ? [path.join(bin, program), ...args]
      : [...runAs, path.join(bin, program), ...args];
  const [initCommand = '', ...initArgs] = run('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-locale',
    '--no-sync',
  ]);
  const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`initdb failed:\n${init.stdout}\n${init.stderr}`);
  }
  const port = await sparePort();
  let server: Group | undefined;
  const start = async () => {
    const [command = '', ...args] = run('postgres', [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
    ]);
    server = startGroup(command, args);
    await portOpen(port, 30_000, `PostgreSQL (${server.log()})`);
    // Accepting connections is not yet accepting queries (recovery): ask until it answers.
    for (let i = 0; ; i += 1) {
      const ready = spawnSync(path.join(bin, 'pg_isready'), [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
      ]);
      if (ready.status === 0) return;
      if (i > 150) throw new Error(`PostgreSQL not ready:\n${server.log()}`);
      await sleep(200);
    }
  };
  await start();
  const psql = spawnSync(
    path.join(bin, 'psql'),
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-c',
      'CREATE DATABASE abtest',
    ],
    { encoding: 'utf8' },
  );
  if (psql.status !== 0) throw new Error(`CREATE DATABASE failed: ${psql.stderr}`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/abtest`,
    port,
    async kill() {
      if (server !== undefined) await stopGroup(server, 'SIGKILL');
    },
    async restart() {
      if (server !== undefined) await stopGroup(server, 'SIGKILL');
      await start();
    },
    async dispose() {
      if (server !== undefined) await stopGroup(server, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A private Pub/Sub emulator. */
export interface PrivateEmulator {
  /** `127.0.0.1:<port>`, for PUBSUB_EMULATOR_HOST. */
  readonly host: string;
  /** Stops it (its whole process group): everything it held is gone, as on a real restart. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Starts a Pub/Sub emulator of the test's own on a spare port.
 * @param projectId - the project it serves
 * @returns the emulator, or the reason it cannot be started here
 */
export async function startPrivateEmulator(projectId: string): Promise<PrivateEmulator | string> {
  // gcloud's wrapper (.ci/run), or the emulator's own launcher (Cloud Build copies it out of
  // Google's emulators image and names it in PUBSUB_EMULATOR_BIN).
  const launcher = process.env.PUBSUB_EMULATOR_BIN;
  const gcloud = spawnSync('which', ['gcloud'], { encoding: 'utf8' }).status === 0;
  if (!gcloud && (launcher === undefined || !existsSync(launcher))) {
    return 'neither gcloud (google-cloud-cli-pubsub-emulator) nor PUBSUB_EMULATOR_BIN is installed';
  }
  const port = await sparePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'abtest-private-emulator-'));
  let emulator: Group | undefined;
  const start = async () => {
    emulator = gcloud
      ? startGroup('gcloud', [
          'beta',
          'emulators',
          'pubsub',
          'start',
          `--host-port=127.0.0.1:${port}`,
          `--project=${projectId}`,
          `--data-dir=${dataDir}`,
        ])
      : startGroup(launcher ?? '', ['--host=127.0.0.1', `--port=${port}`]);
    await portOpen(port, 90_000, `the Pub/Sub emulator (${emulator.log()})`);
  };
  await start();
  return {
    host: `127.0.0.1:${port}`,
    async stop() {
      if (emulator !== undefined) await stopGroup(emulator, 'SIGTERM');
    },
    start,
    async dispose() {
      if (emulator !== undefined) await stopGroup(emulator, 'SIGTERM');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
