/**
 * A progress indicator for work that takes more than a second. On a terminal it is a spinner
 * line on stderr with the elapsed time, for the person watching. When stderr is not a terminal
 * (a pipe, a file, CI), stderr carries the structured log (JSON lines), so no plain text is
 * written there: progress becomes a `progress` log entry through the logger every 10 seconds
 * instead, or nothing without a logger. Nothing is written for work that finishes within the
 * first second.
 */
import type { Logger } from '../logging/logger.ts';

/** A running indicator. */
export interface Progress {
  /** Changes what the line says is happening. */
  update(label: string): void;
  /** Clears the line. */
  stop(): void;
}

/** Where an indicator goes. */
export interface ProgressOptions {
  /** The stream of the spinner (default stderr); it is drawn only when `isTTY` is true. */
  readonly stream?: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  /** Receives a `progress` entry every 10 s when the stream is not a terminal. */
  readonly logger?: Logger;
}

const frames = ['|', '/', '-', '\\'];
/** Work shorter than this shows nothing. */
const SHOW_AFTER_SECONDS = 1;
/** Seconds between two `progress` log entries when the stream is not a terminal. */
const LOG_EVERY_SECONDS = 10;

/**
 * Starts an indicator.
 * @param label - what is happening
 * @param options - the spinner's stream and the logger used when it is not a terminal
 * @returns the indicator
 * @example const progress = startProgress('validating events.csv', { logger }); progress.stop()
 */
export function startProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const terminal = stream.isTTY === true;
  const started = Date.now();
  let current = label;
  let frame = 0;
  let shown = false;
  let lastLogged = 0;
  const tick = () => {
    const elapsed = (Date.now() - started) / 1000;
    if (elapsed < SHOW_AFTER_SECONDS) return;
    if (terminal) {
      stream.write(
        `\r${frames[frame % frames.length]} ${current} (${elapsed.toFixed(1)}s)\u001b[K`,
      );
      frame += 1;
      shown = true;
    } else if (elapsed - lastLogged >= LOG_EVERY_SECONDS) {
      options.logger?.info('progress', {
        task: current,
        elapsed_seconds: Math.round(elapsed),
      });
      lastLogged = elapsed;
    }
  };
  const timer = setInterval(tick, 120);
  timer.unref();
  return {
    update(label) {
      current = label;
    },
    stop() {
      clearInterval(timer);
      if (shown) stream.write('\r\u001b[K');
    },
  };
}
