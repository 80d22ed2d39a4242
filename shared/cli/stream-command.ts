/**
 * `abtest stream --config experiments.yaml [--run-for 3600] [--progress-interval 60]
 * [--from FILE|-|pubsub:SUBSCRIPTION] [--out-dir DIR] [--data-dir DIR]`: seed 000's streaming
 * engine. NDJSON events from stdin, a file or a Pub/Sub subscription (stream-source.ts) are
 * folded into each experiment's streaming posterior (the same reducer as the monitor stage);
 * every progress interval, and once at the end, a snapshot per (experiment, variant) goes to
 * the sinks its definition names (stream-sinks.ts). It stops at the end of a file, after
 * `--run-for` seconds, or on SIGINT/SIGTERM, after a last snapshot. A Pub/Sub message is
 * acknowledged once its events are folded in; a redelivered message, or an event seen before,
 * changes nothing (the reducer keeps per user only minima and maxima). The state lives in the
 * process: a new run starts from zero. A line that is not an event is reported on stderr with
 * where it was and skipped.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openDatabase } from '../adapters/open-adapters.ts';
import type { PubSubBus } from '../adapters/event-bus/pubsub-bus.ts';
import { parseExperimentDefinitions } from '../analysis/definitions-file.ts';
import { planVariants, type ExperimentDefinition } from '../analysis/experiment-definition.ts';
import { isValidationError } from '../errors/errors.ts';
import { parseLiveEventLine } from '../live/live-event-line.ts';
import {
  emptyPosteriorState,
  markTicked,
  snapshot,
  update,
  type LiveEvent,
  type PosteriorState,
  type ReducerRules,
} from '../live/posterior-reducer.ts';
import { createLogger } from '../logging/logger.ts';
import { reducerRules } from '../stages/monitor.ts';
import { loadCliConfig } from './cli-config.ts';
import {
  ensureSnapshotTopics,
  streamNeeds,
  writeStreamSnapshot,
  type StreamPorts,
} from './stream-sinks.ts';
import { parseStreamSource, type StreamSource } from './stream-source.ts';

/** Pub/Sub messages folded in at once (and then acknowledged), at the latest after a second. */
const applyEvery = { messages: 500, ms: 1000 } as const;

interface Tracked {
  readonly definition: ExperimentDefinition;
  readonly rules: ReducerRules;
  state: PosteriorState;
  pending: LiveEvent[];
}

/**
 * Runs `abtest stream`.
 * @param args - the arguments after `stream`
 * @returns the exit code: 0, 1 when a snapshot could not be written, 2 for bad usage
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
        'data-dir': { type: 'string' },
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
  const source = parseStreamSource(values.from);
  if ('error' in source) {
    process.stderr.write(`abtest stream: ${source.error}\n`);
    return 2;
  }
  let definitions: ExperimentDefinition[];
  try {
    definitions = parseExperimentDefinitions(
      await readFile(values.config, 'utf8'),
      path.basename(values.config),
    ).definitions;
  } catch (error) {
    process.stderr.write(
      `abtest stream: ${isValidationError(error) ? error.message : String(error)}\n`,
    );
    return 1;
  }
  const config = loadCliConfig('abtest stream', process.env, values['data-dir']);
  if (config === undefined) return 2;
  const needs = streamNeeds(definitions);
  const logger = createLogger({ level: config.logLevel });
  const db = needs.database || source.kind === 'pubsub' ? await openDatabase(config) : undefined;
  let bus: PubSubBus | undefined;
  try {
    if (db !== undefined && (needs.pubsub || source.kind === 'pubsub')) {
      const { pubSubBus } = await import('../adapters/event-bus/pubsub-bus.ts');
      bus = pubSubBus(db, { projectId: config.projectId, logger });
      if (needs.pubsub) await ensureSnapshotTopics(bus);
    }
    const outDir = values['out-dir'];
    await mkdir(outDir, { recursive: true });
    return await runStream(definitions, source, { outDir, db, bus }, { runFor, interval });
  } catch (error) {
    if (!isValidationError(error)) throw error;
    process.stderr.write(`abtest stream: ${error.message}\n`);
    return 1;
  } finally {
    await bus?.close();
    await db?.close();
  }
}

/** Reads the source until it ends or the run stops, ticking on the way; the exit code. */
async function runStream(
  definitions: readonly ExperimentDefinition[],
  source: StreamSource,
  ports: StreamPorts,
  timing: { readonly runFor: number; readonly interval: number },
): Promise<number> {
  const tracked = new Map<string, Tracked>(
    definitions.map((definition) => [
      definition.id,
      { definition, rules: reducerRules(definition), state: emptyPosteriorState, pending: [] },
    ]),
  );
  const counts = { lines: 0, refused: 0, messages: 0 };
  const accept = (line: string, where: string) => {
    if (line.trim() === '') return;
    counts.lines += 1;
    const parsed = parseLiveEventLine(line);
    if ('error' in parsed) {
      counts.refused += 1;
      process.stderr.write(`abtest stream: ${where}: ${parsed.error}\n`);
      return;
    }
    tracked.get(parsed.experiment_id)?.pending.push(parsed.event);
  };
  /** Settles when the events accepted so far are folded into the state. */
  let applied = folding();
  const applyPending = () => {
    for (const entry of tracked.values()) {
      if (entry.pending.length === 0) continue;
      entry.state = update(entry.state, entry.pending, entry.rules);
      entry.pending = [];
    }
    applied.resolve();
    applied = folding();
  };

  let failed = false;
  const tick = async () => {
    applyPending();
    const tickAt = new Date().toISOString();
    for (const entry of tracked.values()) {
      const plan = planVariants(entry.definition, [...entry.state.arms.keys()]);
      const rows = snapshot(entry.state, plan.control, tickAt, plan.variants);
      entry.state = markTicked(entry.state);
      await writeStreamSnapshot(ports, entry.definition, tickAt, rows);
    }
  };
  const reportFailure = (error: unknown) => {
    failed = true;
    process.stderr.write(
      `abtest stream: a snapshot was not written: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  };
  let ticking = Promise.resolve();
  const timer = setInterval(() => {
    ticking = ticking.then(tick).catch(reportFailure);
  }, timing.interval * 1000);
  const stop = new AbortController();
  const deadline = setTimeout(() => stop.abort(), timing.runFor * 1000);
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (source.kind === 'pubsub') {
      const { bus } = ports;
      if (bus === undefined) throw new Error('--from pubsub: needs the Pub/Sub bus');
      let waiting = 0;
      let soon: NodeJS.Timeout | undefined;
      const applyNow = () => {
        clearTimeout(soon);
        soon = undefined;
        waiting = 0;
        applyPending();
      };
      await bus.consume(source.subscription, async (message) => {
        // After the stop, a message is left for the next run (nacked: redelivered).
        if (stop.signal.aborted) throw new Error('the stream is stopping');
        counts.messages += 1;
        message.data
          .toString('utf8')
          .split('\n')
          .forEach((line, index) =>
            accept(line, `${source.label}: message ${message.id} line ${index + 1}`),
          );
        const folded = applied.promise;
        waiting += 1;
        if (waiting >= applyEvery.messages) applyNow();
        else soon ??= setTimeout(applyNow, applyEvery.ms);
        await folded;
      });
      await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve()));
      applyNow();
    } else {
      const input = source.kind === 'stdin' ? process.stdin : createReadStream(source.path);
      const lines = createInterface({ input, crlfDelay: Infinity });
      stop.signal.addEventListener('abort', () => lines.close());
      let lineNumber = 0;
      try {
        for await (const line of lines) {
          lineNumber += 1;
          accept(line, `${source.label}: line ${lineNumber}`);
        }
      } finally {
        input.destroy();
      }
    }
  } finally {
    clearInterval(timer);
    clearTimeout(deadline);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  await ticking;
  await tick().catch(reportFailure);
  process.stderr.write(
    `abtest stream: ${source.kind === 'pubsub' ? `${counts.messages} messages, ` : ''}${counts.lines} lines read, ${counts.refused} refused; ${tracked.size} experiments\n`,
  );
  return failed ? 1 : 0;
}

/** A promise and the function settling it (Promise.withResolvers is Node 22). */
function folding(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
