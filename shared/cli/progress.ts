/**
 * A progress indicator on stderr for work that takes more than a second: a spinner line with
 * the elapsed time on a terminal, an occasional plain line otherwise. Nothing is written for
 * work that finishes within the first second.
 */

/** A running indicator. */
export interface Progress {
  /** Changes what the line says is happening. */
  update(label: string): void;
  /** Clears the line. */
  stop(): void;
}

const frames = ['|', '/', '-', '\\'];

/**
 * Starts an indicator.
 * @param label - what is happening
 * @param stream - where to write (stderr)
 * @returns the indicator
 * @example const progress = startProgress('validating events.csv'); progress.stop()
 */
export function startProgress(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const started = Date.now();
  let current = label;
  let frame = 0;
  let shown = false;
  let lastPlain = 0;
  const tick = () => {
    const elapsed = (Date.now() - started) / 1000;
    if (elapsed < 1) return;
    if (stream.isTTY) {
      stream.write(
        `\r${frames[frame % frames.length]} ${current} (${elapsed.toFixed(1)}s)\u001b[K`,
      );
      frame += 1;
      shown = true;
    } else if (elapsed - lastPlain >= 10) {
      stream.write(`${current} (${elapsed.toFixed(0)}s)\n`);
      lastPlain = elapsed;
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
