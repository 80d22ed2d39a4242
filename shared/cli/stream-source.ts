/**
 * Where `abtest stream` reads its NDJSON events (`--from`): `-` (stdin, the default), a file, or
 * `pubsub:SUBSCRIPTION`, a Pub/Sub subscription that exists already, named by its id in
 * GOOGLE_CLOUD_PROJECT (`pubsub:events-stream`) or by its full path
 * (`pubsub:projects/P/subscriptions/S`). A Pub/Sub message holds one event, or several as
 * NDJSON lines.
 */

/** A parsed `--from`. */
export type StreamSource =
  | { readonly kind: 'stdin'; readonly label: string }
  | { readonly kind: 'file'; readonly label: string; readonly path: string }
  | { readonly kind: 'pubsub'; readonly label: string; readonly subscription: string };

const subscriptionPath = /^projects\/[^/]+\/subscriptions\/[^/]+$/;
/** Pub/Sub's rule for a subscription id (https://cloud.google.com/pubsub/docs/pubsub-basics). */
const subscriptionId = /^[A-Za-z][\w.~+%-]{2,254}$/;

/**
 * Reads `--from`.
 * @param from - the flag's value
 * @returns the source, or why the value is not one
 * @example parseStreamSource('pubsub:projects/p/subscriptions/events') // { kind: 'pubsub', subscription: 'projects/p/subscriptions/events', ... }
 */
export function parseStreamSource(from: string): StreamSource | { readonly error: string } {
  if (from === '-') return { kind: 'stdin', label: 'stdin' };
  if (!from.startsWith('pubsub:')) return { kind: 'file', label: from, path: from };
  const subscription = from.slice('pubsub:'.length);
  if (!subscriptionPath.test(subscription) && !subscriptionId.test(subscription)) {
    return {
      error: `--from ${from}: expected pubsub:SUBSCRIPTION (an id in GOOGLE_CLOUD_PROJECT) or pubsub:projects/P/subscriptions/S`,
    };
  }
  return { kind: 'pubsub', label: from, subscription };
}
