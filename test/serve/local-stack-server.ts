/**
 * `abtest serve`'s server started in the test's own process (startLocalServer over a temporary
 * data folder), for tests that speak raw HTTP to it: malformed and slow requests, limits.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../shared/config/load-config.ts';
import { startLocalServer, type LocalServer } from '../../shared/local/local-server.ts';
import { silentLogger } from '../../shared/logging/logger.ts';

/** The full token of these servers. */
export const serverToken = 'local-server-token-0123456789abcdef';

/** A server and its data folder. */
export interface TestServer {
  readonly server: LocalServer;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts the local stack on a free port.
 * @param env - settings (ABTEST_MAX_UPLOAD_BYTES, ABTEST_HTTP_*...)
 * @returns the running server
 */
export async function startTestServer(
  env: Readonly<Record<string, string>> = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'abtest-local-server-'));
  const config = loadConfig({
    ABTEST_API_TOKEN: serverToken,
    PORT: '0',
    ...env,
    ABTEST_DATA_DIR: dataDir,
  });
  const server = await startLocalServer(config, silentLogger);
  const url = new URL(server.url);
  return {
    server,
    host: url.hostname,
    port: Number(url.port),
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a raw exchange saw: the bytes answered, and whether the server closed the socket. */
export interface RawExchange {
  readonly response: string;
  readonly closedByServer: boolean;
}

/**
 * Opens a TCP connection and hands it to `talk`; resolves once the server has closed it (or the
 * server answered and `untilAnswer` is set), with everything it sent.
 * @param target - the server
 * @param talk - writes to the socket (may keep writing, slowly, until the socket closes)
 * @param untilAnswer - resolve as soon as a complete status line and headers arrived
 * @returns the answer and who closed the socket
 */
export function rawExchange(
  target: Pick<TestServer, 'host' | 'port'>,
  talk: (socket: Socket) => void,
  untilAnswer = false,
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(target.port, target.host);
    let response = '';
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ response, closedByServer });
    };
    socket.on('data', (chunk: Buffer) => {
      response += chunk.toString('latin1');
      if (untilAnswer && /\r\n\r\n/.test(response)) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish(true);
      else if (!settled) reject(error);
    });
    socket.on('connect', () => talk(socket));
  });
}
