/**
 * The local stand-in for Cloud Scheduler: every so often, the same `abtest.rerun` message
 * (`{"version":1}`: every running experiment) the scheduler job publishes on GCP, and the
 * monitor's ticks.
 */
import { enqueueMessage } from '../adapters/event-bus/outbox.ts';
import { topics } from '../messages/topics.ts';
import type { StageDeps } from '../stages/stage-deps.ts';

/**
 * Parses a duration like `90s`, `15m`, `1h` or `1d`.
 * @param text - the duration
 * @returns milliseconds, or undefined when the text is not a duration
 * @example durationMs('15m') // 900000
 */
export function durationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text.trim());
  if (match === null) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 's' | 'm' | 'h' | 'd'
  ];
  const ms = Number(match[1]) * unit;
  return ms >= 1000 ? ms : undefined;
}

/**
 * Publishes a rerun of every running experiment at a fixed interval.
 * @param deps - the ports
 * @param everyMs - the interval
 * @returns a function that stops the schedule
 * @example const stop = startRerunSchedule(deps, durationMs('1h') ?? 3_600_000)
 */
export function startRerunSchedule(deps: StageDeps, everyMs: number): () => void {
  const timer = publishEvery(deps, topics.rerun, everyMs, 'scheduled rerun');
  return () => clearInterval(timer);
}

/**
 * Publishes a tick of the monitor at a fixed interval (`ABTEST_TICK_SECONDS`), the local
 * stand-in for the Cloud Scheduler job publishing `{"version":1}` to `abtest.monitor.tick`.
 * @param deps - the ports
 * @param everyMs - the interval
 * @returns a function that stops the schedule
 * @example const stop = startTickSchedule(deps, deps.config.live.tickSeconds * 1000)
 */
export function startTickSchedule(deps: StageDeps, everyMs: number): () => void {
  const timer = publishEvery(deps, topics.monitorTick, everyMs, 'monitor tick');
  timer.unref();
  return () => clearInterval(timer);
}

/** Enqueues and flushes `{"version":1}` on a topic every `everyMs`; a failure is logged. */
function publishEvery(
  deps: StageDeps,
  topic: typeof topics.rerun | typeof topics.monitorTick,
  everyMs: number,
  what: string,
): NodeJS.Timeout {
  return setInterval(() => {
    enqueueMessage(deps.db, topic, { version: 1 })
      .then(() => deps.bus.flush())
      .catch((error: unknown) => deps.logger.error(`${what} not published`, { error }));
  }, everyMs);
}
