/**
 * The progress indicator keeps stderr machine-readable when it is not a terminal: work slow
 * enough to report (forced with fake timers, no timing assertions) yields structured `progress`
 * log entries interleaved with the other JSON log lines, never plain text; on a terminal it draws
 * the spinner line; quick work shows nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startProgress } from '../../shared/cli/progress.ts';
import { createLogger } from '../../shared/logging/logger.ts';

/** A captured stderr: what the stream and the logger write, in order. */
function capturedStderr(isTTY: boolean) {
  const chunks: string[] = [];
  const write = (chunk: string) => {
    chunks.push(chunk);
    return true;
  };
  return {
    chunks,
    stream: { isTTY, write } as unknown as NodeJS.WriteStream,
    logger: createLogger({ json: !isTTY, write }),
  };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('startProgress', () => {
  it('writes only JSON lines when stderr is not a terminal, however long the work takes', () => {
    const stderr = capturedStderr(false);
    stderr.logger.info('batch stored', { batch_id: 'b_1' });
    const progress = startProgress('running events.csv', stderr);
    vi.advanceTimersByTime(12_000);
    progress.update('training models');
    stderr.logger.info('models trained');
    vi.advanceTimersByTime(10_000);
    progress.stop();
    vi.advanceTimersByTime(30_000);
    const text = stderr.chunks.join('');
    expect(text.endsWith('\n')).toBe(true);
    const entries = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.filter((entry) => entry.message === 'progress')).toEqual([
      { severity: 'INFO', message: 'progress', task: 'running events.csv', elapsed_seconds: 10 },
      { severity: 'INFO', message: 'progress', task: 'training models', elapsed_seconds: 20 },
    ]);
    expect(entries.map((entry) => entry.message)).toEqual([
      'batch stored',
      'progress',
      'models trained',
      'progress',
    ]);
  });

  it('writes nothing when stderr is not a terminal and there is no logger', () => {
    const stderr = capturedStderr(false);
    const progress = startProgress('running events.csv', { stream: stderr.stream });
    vi.advanceTimersByTime(25_000);
    progress.stop();
    expect(stderr.chunks).toEqual([]);
  });

  it('draws and clears a spinner line on a terminal, with no log entry', () => {
    const stderr = capturedStderr(true);
    const progress = startProgress('running events.csv', stderr);
    vi.advanceTimersByTime(900);
    expect(stderr.chunks).toEqual([]);
    vi.advanceTimersByTime(12_000);
    progress.stop();
    expect(stderr.chunks.length).toBeGreaterThan(10);
    expect(stderr.chunks[0].startsWith('\r| running events.csv (1.')).toBe(true);
    expect(stderr.chunks[0].endsWith('s)\u001b[K')).toBe(true);
    expect(stderr.chunks.at(-1)).toBe('\r\u001b[K');
    expect(stderr.chunks.some((chunk) => chunk.includes('progress'))).toBe(false);
  });

  it('shows nothing for work that ends within a second', () => {
    for (const isTTY of [true, false]) {
      const stderr = capturedStderr(isTTY);
      const progress = startProgress('running events.csv', stderr);
      vi.advanceTimersByTime(960);
      progress.stop();
      expect(stderr.chunks).toEqual([]);
    }
  });
});
