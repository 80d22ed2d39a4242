/**
 * `abtest serve [--port 8080] [--data-dir DIR] [--bus inprocess|pubsub] [--rerun-every 1h]`:
 * the whole local stack in one process until SIGTERM or Ctrl-C.
 */
import { keepFilesPrivate } from './private-umask.ts';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { loadCliConfig } from './cli-config.ts';
import { durationMs } from '../local/rerun-schedule.ts';
import { startLocalServer, type LocalServer } from '../local/local-server.ts';
import { createLogger } from '../logging/logger.ts';

/**
 * What the banner says about the token. A token is a credential: one from the environment is
 * never printed; one generated now is printed this once, and only to a terminal (never into a
 * log file or a pipe); otherwise the banner says where it is kept.
 * @param source - where the token came from
 * @param token - the token
 * @param terminal - whether stderr is a terminal
 * @returns the line's text after `token:`
 * @example tokenLine({ kind: 'environment' }, token, true) // 'from ABTEST_API_TOKEN'
 */
export function tokenLine(
  source: LocalServer['tokenSource'],
  token: string,
  terminal: boolean,
): string {
  if (source.kind === 'environment') return 'from ABTEST_API_TOKEN';
  if (source.generated && terminal) {
    return `${token}   (Authorization: Bearer <token>; generated now, kept in ${source.file}, shown only this once)`;
  }
  return `in ${source.file} (readable by you only): TOKEN=$(cat ${source.file})`;
}

/**
 * Runs `abtest serve`.
 * @param args - the arguments after `serve`
 * @returns the exit code once stopped
 * @example await serveCommand(['--port', '8080'])
 */
export async function serveCommand(args: readonly string[]): Promise<number> {
  keepFilesPrivate();
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string' },
        bus: { type: 'string' },
        'rerun-every': { type: 'string' },
      },
    }));
  } catch (error) {
    process.stderr.write(`abtest serve: ${(error as Error).message}\n`);
    return 2;
  }
  const rerunEveryMs =
    values['rerun-every'] === undefined ? undefined : durationMs(values['rerun-every']);
  if (values['rerun-every'] !== undefined && rerunEveryMs === undefined) {
    process.stderr.write(
      'abtest serve: --rerun-every takes a duration such as 90s, 15m, 1h or 1d\n',
    );
    return 2;
  }
  const config = loadCliConfig(
    'abtest serve',
    {
      ...process.env,
      ...(values.port === undefined ? {} : { PORT: values.port }),
      ...(values.bus === undefined ? {} : { ABTEST_BUS: values.bus }),
    },
    values['data-dir'],
  );
  if (config === undefined) return 2;
  const logger = createLogger({ level: config.logLevel });
  // PGlite's WebAssembly stays on V8's baseline compiler (Liftoff). Left to tier up, V8
  // recompiles PGlite's hot functions with TurboFan on background threads while uploads arrive:
  // on two cores that compiling took a third of the CPU in the first seconds under load and
  // cost a quarter of the upload rate (`npm run bench`). Set before PGlite compiles its module.
  v8.setFlagsFromString('--liftoff-only');
  // Listening for the signals before anything else: one arriving during start-up (or just
  // after the banner) stops the server once it has started instead of killing the process.
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info('stopping', { signal });
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  const server = await startLocalServer(config, logger, {
    host: values.host,
    ...(rerunEveryMs === undefined ? {} : { rerunEveryMs }),
  });
  process.stderr.write(
    [
      `abtest is serving on ${server.url} (bus: ${config.bus})`,
      `  token:    ${tokenLine(server.tokenSource, server.token, process.stderr.isTTY === true)}`,
      `  uploads:  POST ${server.url}/v1/ingest/events, or drop files in ${server.uploadsFolder}`,
      `  results:  ${server.url}/v1/experiments   docs: ${server.url}/docs`,
      '',
    ].join('\n'),
  );
  await stopped;
  await server.close();
  return 0;
}
