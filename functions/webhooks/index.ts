/**
 * The webhooks function: `abtest.webhook.delivery` -> one signed POST to a webhook receiver.
 * Deliveries leave the chain's path: the stages only record them; this function makes them,
 * one attempt per message, with Pub/Sub's retry backoff between attempts.
 */
import * as functions from '@google-cloud/functions-framework';
import { deliverCloudEvent } from '../../shared/runtime/function-runtime.ts';

functions.cloudEvent('webhooks', (event: functions.CloudEvent<unknown>) =>
  deliverCloudEvent('webhooks', event),
);
