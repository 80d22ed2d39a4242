/**
 * What the deployed functions run on: the ports opened once per instance, lazily, from the
 * environment (CONVENTIONS "Create clients lazily, once per instance"), and the delivery of a
 * Pub/Sub CloudEvent to the stage subscribed to its topic. Tests hand in local adapters with
 * {@link useStageDeps}.
 */
import { openAdapters } from '../adapters/open-adapters.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../logging/logger.ts';
import { chainSubscriptions, type ChainSubscription } from '../stages/chain-subscriptions.ts';
import type { StageDeps } from '../stages/stage-deps.ts';
import { decodePubSubEvent, type IncomingCloudEvent } from './pubsub-cloud-event.ts';

let current: Promise<StageDeps> | undefined;

/**
 * The ports of this instance, opened on first use.
 * @returns the ports
 * @example const deps = await stageDeps()
 */
export function stageDeps(): Promise<StageDeps> {
  current ??= (async () => {
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel });
    const adapters = await openAdapters(config, logger);
    return { db: adapters.db, blobs: adapters.blobs, bus: adapters.bus, config, logger };
  })();
  return current;
}

/**
 * Makes the functions of this process use the given ports (tests, `abtest serve`).
 * @param deps - the ports
 * @example useStageDeps({ db, blobs, bus, config, logger })
 */
export function useStageDeps(deps: StageDeps): void {
  current = Promise.resolve(deps);
}

/**
 * Delivers a Pub/Sub CloudEvent to a function's stage: the subscription of that function for
 * the event's topic, or, when the source does not name the topic, the one whose payload schema
 * fits (the function's only one, usually).
 * @param functionName - validate, analyze, train or report
 * @param event - the CloudEvent
 * @returns when the message can be acknowledged; throws to have it redelivered
 * @example await deliverCloudEvent('validate', event)
 */
export async function deliverCloudEvent(
  functionName: ChainSubscription['functionName'],
  event: IncomingCloudEvent,
): Promise<void> {
  const deps = await stageDeps();
  const { topic, message } = decodePubSubEvent(event);
  const candidates = chainSubscriptions.filter((s) => s.functionName === functionName);
  const subscription =
    candidates.find((s) => s.topic === topic) ??
    (candidates.length === 1 ? candidates[0] : candidates.find((s) => looksLike(s, message.data)));
  if (subscription === undefined) {
    deps.logger.warn('message for no subscription of this function', { functionName, topic });
    return;
  }
  await subscription.handle(deps, { ...message, topic: subscription.topic });
}

function looksLike(subscription: ChainSubscription, data: unknown): boolean {
  const payload = data as Record<string, unknown> | null;
  if (subscription.name === 'analyze') return typeof payload?.batch_id === 'string';
  return true;
}
