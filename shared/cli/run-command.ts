/**
 * `abtest run FILE... [--json] [--data-dir DIR] [--definition FILE]`: the whole chain in one
 * process on the embedded defaults. With `--json`, exactly the result document on stdout;
 * logs and progress on stderr.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openAdapters } from '../adapters/open-adapters.ts';
import type { InProcessBus } from '../adapters/event-bus/in-process-bus.ts';
import { parseExperimentDefinition } from '../analysis/experiment-definition.ts';
import { ConfigError, loadConfig } from '../config/load-config.ts';
import { isValidationError } from '../errors/errors.ts';
import { runFiles } from '../local/run-files.ts';
import { createLogger } from '../logging/logger.ts';
import { subscribeChain } from '../stages/chain-subscriptions.ts';
import { formatSummary } from './format-summary.ts';
import { startProgress } from './progress.ts';

/**
 * Runs `abtest run`.
 * @param args - the arguments after `run`
 * @returns the exit code: 0 when every file was accepted, 1 otherwise, 2 for bad usage
 * @example await runCommand(['events.csv', '--json'])
 */
export async function runCommand(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        definition: { type: 'string' },
      },
    });
  } catch (error) {
    process.stderr.write(`abtest run: ${(error as Error).message}\n`);
    return 2;
  }
  const files = parsed.positionals;
  if (files.length === 0) {
    process.stderr.write(
      'abtest run: give at least one events file (CSV, NDJSON, JSON or Parquet)\n',
    );
    return 2;
  }
  let config;
  try {
    config = loadConfig(process.env, { dataDir: parsed.values['data-dir'] });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`abtest: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (config.bus !== 'inprocess') {
    process.stderr.write('abtest run: runs on the in-process bus; unset ABTEST_BUS\n');
    return 2;
  }
  const logger = createLogger({ level: config.logLevel });
  const progress = startProgress(`running ${files.join(', ')}`);
  const adapters = await openAdapters(config, logger);
  try {
    const definitionPath = parsed.values.definition;
    const definition =
      definitionPath === undefined
        ? undefined
        : parseExperimentDefinition(await readFile(definitionPath, 'utf8'), definitionPath);
    const deps = { ...adapters, bus: adapters.bus as InProcessBus, config, logger };
    await subscribeChain(deps);
    const { document, problems } = await runFiles(
      deps,
      files.map((path) => ({ path })),
      definition,
      (label) => progress.update(label),
    );
    progress.stop();
    process.stdout.write(
      parsed.values.json ? `${JSON.stringify(document, null, 2)}\n` : formatSummary(document),
    );
    for (const problem of problems) process.stderr.write(`abtest: ${problem}\n`);
    return problems.length > 0 ? 1 : 0;
  } catch (error) {
    progress.stop();
    if (isValidationError(error)) {
      process.stderr.write(`abtest: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await adapters.close();
  }
}
