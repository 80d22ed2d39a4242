/**
 * `abtest stream --config experiments.yaml [--run-for 3600] [--progress-interval 60]
 * [--from FILE|-] [--out-dir DIR]`: seed 000's streaming engine on a laptop. NDJSON events from
 * stdin or a file are folded into each experiment's streaming posterior (the same reducer as the
 * monitor stage); every progress interval, and once at the end, a snapshot per (experiment,
 * variant) goes to the sinks its definition names: `csv` (`<out-dir>/<experiment>.snapshots.csv`,
 * header on first write) and `log` (one JSON line per row on stdout). `postgres` and `pubsub`
 * are the monitor's sinks (`abtest serve`, GCP) and are reported as not written here. A line that
 * is not an event is reported on stderr with its number and skipped.
 */
import { createReadStream, existsSync } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parseExperimentDefinitions } from '../analysis/definitions-file.ts';
import { planVariants, type ExperimentDefinition } from '../analysis/experiment-definition.ts';
import { csvText } from '../csv/csv-text.ts';
import { isValidationError } from '../errors/errors.ts';
import { parseLiveEventLine } from '../live/live-event-line.ts';
import {
  emptyPosteriorState,
  markTicked,
  snapshot,
  update,
  type LiveEvent,
  type PosteriorState,
} from '../live/posterior-reducer.ts';
import { reducerRules } from '../stages/monitor.ts';
import { snapshotCsvColumns } from '../stages/monitor-tick.ts';

interface Tracked {
  readonly definition: ExperimentDefinition;
  state: PosteriorState;
  pending: LiveEvent[];
}

/**
 * Runs `abtest stream`.
 * @param args - the arguments after `stream`
 * @returns the exit code
 * @example await streamCommand(['--config', 'experiments.yaml', '--from', 'events.ndjson'])
 */
export async function streamCommand(args: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        config: { type: 'string' },
        'run-for': { type: 'string', default: '3600' },
        'progress-interval': { type: 'string', default: '60' },
        from: { type: 'string', default: '-' },
        'out-dir': { type: 'string', default: '.' },
      },
    }));
  } catch (error) {
    process.stderr.write(`abtest stream: ${(error as Error).message}\n`);
    return 2;
  }
  const runFor = Number(values['run-for']);
  const interval = Number(values['progress-interval']);
  if (values.config === undefined || !(runFor > 0) || !(interval > 0)) {
    process.stderr.write(
      'abtest stream: --config FILE is required; --run-for and --progress-interval take positive seconds\n',
    );
    return 2;
  }
  let definitions: ExperimentDefinition[];
  try {
    definitions = parseExperimentDefinitions(
      await readFile(values.config, 'utf8'),
      path.basename(values.config),
    );
  } catch (error) {
    process.stderr.write(
      `abtest stream: ${isValidationError(error) ? error.message : String(error)}\n`,
    );
    return 1;
  }
  const tracked = new Map<string, Tracked>(
    definitions.map((definition) => [
      definition.id,
      { definition, state: emptyPosteriorState, pending: [] },
    ]),
  );
  for (const definition of definitions) {
    const elsewhere = (definition.sinks ?? []).filter((s) => s === 'postgres' || s === 'pubsub');
    if (elsewhere.length > 0) {
      process.stderr.write(
        `abtest stream: ${definition.id}: sinks ${elsewhere.join(', ')} are written by the monitor stage (abtest serve, GCP), not here\n`,
      );
    }
  }
  const outDir = values['out-dir'];
  await mkdir(outDir, { recursive: true });

  const tick = async () => {
    const tickAt = new Date().toISOString();
    for (const [experimentId, entry] of tracked) {
      entry.state = update(entry.state, entry.pending, reducerRules(entry.definition));
      entry.pending = [];
      const plan = planVariants(entry.definition, [...entry.state.arms.keys()]);
      const rows = snapshot(entry.state, plan.control, tickAt, plan.variants);
      entry.state = markTicked(entry.state);
      const sinks = entry.definition.sinks ?? ['log'];
      if (sinks.includes('log')) {
        for (const row of rows) {
          process.stdout.write(`${JSON.stringify({ experiment_id: experimentId, ...row })}\n`);
        }
      }
      if (sinks.includes('csv')) {
        const file = path.join(outDir, `${experimentId}.snapshots.csv`);
        const table = csvText(
          snapshotCsvColumns,
          rows.map((row) =>
            snapshotCsvColumns.map((column) =>
              column === 'experiment_id' ? experimentId : row[column],
            ),
          ),
        );
        await appendFile(file, existsSync(file) ? table.slice(table.indexOf('\n') + 1) : table);
      }
    }
  };

  const input = values.from === '-' ? process.stdin : createReadStream(values.from);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let ticking = Promise.resolve();
  const timer = setInterval(() => {
    ticking = ticking.then(tick);
  }, interval * 1000);
  const deadline = setTimeout(() => lines.close(), runFor * 1000);
  let lineNumber = 0;
  let refused = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      const parsed = parseLiveEventLine(line);
      if ('error' in parsed) {
        refused += 1;
        process.stderr.write(
          `abtest stream: ${values.from}: line ${lineNumber}: ${parsed.error}\n`,
        );
        continue;
      }
      tracked.get(parsed.experiment_id)?.pending.push(parsed.event);
    }
  } finally {
    clearInterval(timer);
    clearTimeout(deadline);
    input.destroy();
  }
  await ticking;
  await tick();
  process.stderr.write(
    `abtest stream: ${lineNumber} lines read, ${refused} refused; ${tracked.size} experiments\n`,
  );
  return 0;
}
