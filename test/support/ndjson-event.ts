/**
 * One NDJSON line of `abtest stream`'s input, as a producer writes it: the events contract's
 * fields and an event id made of the user, the type and the time.
 */

/**
 * Writes an event line.
 * @param experiment - the experiment id
 * @param user - the user id
 * @param variant - the variant
 * @param type - the event type
 * @param t - the timestamp (ISO-8601 or epoch milliseconds)
 * @returns the JSON text, without a newline
 */
export function eventLine(
  experiment: string,
  user: string,
  variant: string,
  type: string,
  t: string,
): string {
  return JSON.stringify({
    experiment_id: experiment,
    user_id: user,
    variant,
    event_type: type,
    timestamp: t,
    event_id: `${user}-${type}-${t}`,
  });
}
