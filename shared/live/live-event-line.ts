/**
 * One NDJSON line of `abtest stream`'s input as the reducer's event: the events contract's
 * required fields (`experiment_id`, `user_id`, `variant`, `event_type`, `timestamp` as ISO-8601
 * with an offset or epoch milliseconds); anything else on the line is ignored.
 */
import type { LiveEvent } from './posterior-reducer.ts';
import { parseInstant } from './time-windows.ts';

/** A line read: its experiment and event, or why it was refused. */
export type LiveLine =
  | { readonly experiment_id: string; readonly event: LiveEvent }
  | { readonly error: string };

const required = ['experiment_id', 'user_id', 'variant', 'event_type'] as const;

/**
 * Reads one line.
 * @param line - the text of the line
 * @returns the event, or the reason it was refused
 * @example parseLiveEventLine('{"experiment_id":"e","user_id":"u","variant":"a","event_type":"exposure","timestamp":0}')
 */
export function parseLiveEventLine(line: string): LiveLine {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return { error: 'not valid JSON' };
  }
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    return { error: 'expected a JSON object' };
  }
  const fields = row as Record<string, unknown>;
  for (const name of required) {
    const value = fields[name];
    if (typeof value !== 'string' || value.trim() === '') return { error: `empty ${name}` };
  }
  let ms: number | undefined;
  try {
    ms = parseInstant('timestamp', String(fields.timestamp ?? ''));
  } catch {
    ms = undefined;
  }
  if (ms === undefined) {
    return {
      error:
        'timestamp: expected ISO-8601 with a UTC offset (2026-01-31T09:30:00Z) or epoch milliseconds',
    };
  }
  return {
    experiment_id: fields.experiment_id as string,
    event: {
      user_id: fields.user_id as string,
      variant: fields.variant as string,
      event_type: fields.event_type as string,
      timestamp_us: ms * 1000,
    },
  };
}
