/**
 * The monitor function: `abtest.batch.validated` -> the streaming posterior and time windows of
 * each experiment in the batch; `abtest.monitor.tick` (Cloud Scheduler) -> posterior snapshots
 * to each experiment's sinks and `no_data` alerts.
 */
import * as functions from '@google-cloud/functions-framework';
import { deliverCloudEvent } from '../../shared/runtime/function-runtime.ts';

functions.cloudEvent('monitor', (event: functions.CloudEvent<unknown>) =>
  deliverCloudEvent('monitor', event),
);
