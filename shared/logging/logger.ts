/**
 * Structured logging. Not on a TTY, each entry is one JSON line with Cloud Logging's
 * `severity` field (https://cloud.google.com/logging/docs/structured-logging); on a TTY it is a
 * readable line. Always written to stderr, so stdout stays free for the result document.
 */
import { format } from 'node:util';

export type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
type Level = 'debug' | 'info' | 'warning' | 'error';

const rank: Record<Severity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 };

/** A logger carrying fields (a batch id, a request id) into every entry. */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
  /** A logger whose entries all carry `fields` too. */
  child(fields: Readonly<Record<string, unknown>>): Logger;
}

/** Where and how a logger writes. */
export interface LoggerOptions {
  readonly level?: Level;
  readonly json?: boolean;
  readonly write?: (line: string) => void;
}

/**
 * Creates a logger writing to stderr.
 * @param options - minimum level, JSON or readable lines, and the sink (for tests)
 * @returns the logger
 * @example createLogger({ level: 'info' }).info('batch stored', { batch_id: 'b_12' })
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const minimum = rank[(options.level ?? 'info').toUpperCase() as Severity];
  const json = options.json ?? !process.stderr.isTTY;
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const make = (bound: Readonly<Record<string, unknown>>): Logger => {
    const emit = (severity: Severity, message: string, fields = {}) => {
      if (rank[severity] < minimum) return;
      const all = { ...bound, ...fields };
      if (json) {
        write(`${JSON.stringify({ severity, message, ...serializable(all) })}\n`);
      } else {
        const extras = Object.entries(all)
          .map(
            ([key, value]) => `${key}=${typeof value === 'string' ? value : format('%o', value)}`,
          )
          .join(' ');
        write(`${severity.padEnd(7)} ${message}${extras === '' ? '' : `  ${extras}`}\n`);
      }
    };
    return {
      debug: (message, fields) => emit('DEBUG', message, fields),
      info: (message, fields) => emit('INFO', message, fields),
      warn: (message, fields) => emit('WARNING', message, fields),
      error: (message, fields) => emit('ERROR', message, fields),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make({});
}

function serializable(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      value instanceof Error ? { name: value.name, message: value.message } : value,
    ]),
  );
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => undefined });
