/**
 * `abtest run FILE... [--json] [--data-dir DIR] [--definition FILE]`: the whole chain in one
 * process on the embedded defaults. With `--unit-table --variant-column COL [--control V]
 * [--experiment ID] [--unit-column COL] [--metric NAME:binomial|continuous]...` the files are
 * unit-level tables (one row per user, outcomes already computed). With `--json`, exactly the result document on stdout;
 * logs and progress on stderr.
 */
import { keepFilesPrivate } from './private-umask.ts';
import { loadCliConfig } from './cli-config.ts';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openAdapters } from '../adapters/open-adapters.ts';
import type { InProcessBus } from '../adapters/event-bus/in-process-bus.ts';
import {
  parseExperimentDefinition,
  type ExperimentDefinition,
} from '../analysis/experiment-definition.ts';
import { ValidationError, isValidationError } from '../errors/errors.ts';
import { runFiles } from '../local/run-files.ts';
import { createLogger } from '../logging/logger.ts';
import { subscribeChain } from '../stages/chain-subscriptions.ts';
import {
  experimentIdFromFileName,
  parseMetricFlags,
  type UnitTableOptions,
} from '../units/unit-table-options.ts';
import { formatSummary } from './format-summary.ts';
import { startProgress } from './progress.ts';

type RunFlags = {
  readonly 'unit-table'?: boolean;
  readonly 'variant-column'?: string;
  readonly control?: string;
  readonly experiment?: string;
  readonly 'unit-column'?: string;
  readonly metric?: readonly string[];
};

/**
 * How to read the files as unit-level tables, from the flags or the definition's `unit_table`;
 * undefined for events; a message for bad usage.
 */
function unitTableReading(
  flags: RunFlags,
  definition: ExperimentDefinition | undefined,
): ((path: string) => UnitTableOptions | string) | undefined | string {
  const fromDefinition = definition?.unit_table;
  if (flags['unit-table'] !== true) {
    if (fromDefinition === undefined) {
      const stray = ['variant-column', 'unit-column', 'experiment'].find(
        (flag) => flags[flag as keyof RunFlags] !== undefined,
      );
      return stray === undefined && (flags.metric ?? []).length === 0
        ? undefined
        : `--${stray ?? 'metric'} needs --unit-table`;
    }
  }
  const variantColumn = flags['variant-column'] ?? fromDefinition?.variant_column;
  if (variantColumn === undefined) return '--unit-table needs --variant-column COLUMN';
  const metrics = parseMetricFlags(flags.metric ?? []);
  if (typeof metrics === 'string') return metrics;
  return (path) => {
    const experimentId = flags.experiment ?? definition?.id ?? experimentIdFromFileName(path);
    if (experimentId === undefined) {
      return `${path}: the file name is not a valid experiment id; name one with --experiment`;
    }
    const control = flags.control ?? fromDefinition?.control;
    const unitColumn = flags['unit-column'] ?? fromDefinition?.unit_column;
    const chosen = metrics.length > 0 ? metrics : fromDefinition?.metrics;
    return {
      kind: 'unit_table',
      experiment_id: experimentId,
      variant_column: variantColumn,
      ...(control === undefined ? {} : { control }),
      ...(unitColumn === undefined ? {} : { unit_column: unitColumn }),
      ...(chosen === undefined ? {} : { metrics: [...chosen] }),
    };
  };
}

/**
 * Runs `abtest run`.
 * @param args - the arguments after `run`
 * @returns the exit code: 0 when every file was accepted, 1 otherwise, 2 for bad usage
 * @example await runCommand(['events.csv', '--json'])
 */
export async function runCommand(args: readonly string[]): Promise<number> {
  keepFilesPrivate();
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        definition: { type: 'string' },
        'unit-table': { type: 'boolean', default: false },
        'variant-column': { type: 'string' },
        control: { type: 'string' },
        experiment: { type: 'string' },
        'unit-column': { type: 'string' },
        metric: { type: 'string', multiple: true, default: [] },
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
  const config = loadCliConfig('abtest', process.env, parsed.values['data-dir']);
  if (config === undefined) return 2;
  if (config.bus !== 'inprocess') {
    process.stderr.write('abtest run: runs on the in-process bus; unset ABTEST_BUS\n');
    return 2;
  }
  const logger = createLogger({ level: config.logLevel });
  const progress = startProgress(`running ${files.join(', ')}`, { logger });
  const adapters = await openAdapters(config, logger);
  try {
    const definitionPath = parsed.values.definition;
    const definition =
      definitionPath === undefined
        ? undefined
        : parseExperimentDefinition(await readFile(definitionPath, 'utf8'), definitionPath);
    const readAs = unitTableReading(parsed.values, definition);
    if (typeof readAs === 'string') {
      progress.stop();
      process.stderr.write(`abtest run: ${readAs}\n`);
      return 2;
    }
    const deps = { ...adapters, bus: adapters.bus as InProcessBus, config, logger };
    // A one-shot run has no live experiment to watch: the monitor (posteriors folded per user,
    // time windows, rejected_rows alerts) is for `abtest serve` and the cloud, and at 10M events
    // it costs more than the rest of the chain.
    await subscribeChain(deps, ['monitor']);
    const { document, problems } = await runFiles(
      deps,
      files.map((path) => {
        const options = readAs?.(path);
        if (typeof options === 'string') throw new ValidationError(options, 400);
        return options === undefined ? { path } : { path, options };
      }),
      definition === undefined || definitionPath === undefined
        ? undefined
        : { definition, source: definitionPath },
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
