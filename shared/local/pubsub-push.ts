/**
 * `abtest serve --bus pubsub`: the chain over the Pub/Sub emulator, delivered the way it is on
 * GCP. Each stage function runs behind its own functions-framework server (the framework's
 * own request handling, which turns a raw Pub/Sub push body into a CloudEvent), and each
 * subscription of the chain is a push subscription to that server's URL, with the dead-letter
 * policy the Terraform subscriptions carry. The outbox is relayed to the topics after every
 * request and by a sweep every few seconds.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { PubSubBus } from '../adapters/event-bus/pubsub-bus.ts';
import { allTopics } from '../messages/topics.ts';
import { deliverCloudEvent } from '../runtime/function-runtime.ts';
import { chainSubscriptions, type ChainSubscription } from '../stages/chain-subscriptions.ts';
import type { StageDeps } from '../stages/stage-deps.ts';

/** The push delivery of a running local stack. */
export interface PushDelivery {
  /** Where each function listens. */
  readonly endpoints: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * Starts one functions-framework server per stage function and points push subscriptions at
 * them.
 * @param deps - the ports; `deps.bus` must be the Pub/Sub bus
 * @param bus - the same bus, typed
 * @param projectId - the Pub/Sub project
 * @returns the endpoints and a way to stop
 * @example const push = await startPushDelivery(deps, bus, 'abtest-local')
 */
export async function startPushDelivery(
  deps: StageDeps,
  bus: PubSubBus,
  projectId: string,
): Promise<PushDelivery> {
  // Every topic, subscribed to or not (report.ready has no stage): publishing needs it.
  for (const topic of allTopics) await bus.ensureTopic(topic);
  const names = [...new Set(chainSubscriptions.map((s) => s.functionName))];
  const servers: Server[] = [];
  const endpoints: Record<string, string> = {};
  for (const name of names) {
    // The registration each functions/<name>/index.ts makes, in this process.
    functions.cloudEvent(name, (event: functions.CloudEvent<unknown>) =>
      deliverCloudEvent(name, event),
    );
    const server = getTestServer(name);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    endpoints[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  for (const subscription of chainSubscriptions) {
    await pushTo(
      bus,
      subscription,
      `${endpoints[subscription.functionName]}/projects/${projectId}/topics/${subscription.topic}`,
    );
  }
  const sweep = setInterval(() => {
    bus.flush().catch((error: unknown) => deps.logger.warn('outbox relay failed', { error }));
  }, 2000);
  await bus.flush();
  return {
    endpoints,
    async close() {
      clearInterval(sweep);
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

async function pushTo(
  bus: PubSubBus,
  subscription: ChainSubscription,
  endpoint: string,
): Promise<void> {
  const name = `abtest-serve-${subscription.name}`;
  const created = await bus.ensureSubscription(subscription.topic, name, endpoint);
  // A restart listens on new ports: move an existing subscription to them.
  await created.modifyPushConfig({ pushEndpoint: endpoint });
}
