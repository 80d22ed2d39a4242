/**
 * The analyze function: `abtest.batch.validated` and `abtest.rerun` -> an analysis ->
 * `abtest.analysis.completed`.
 */
import * as functions from '@google-cloud/functions-framework';
import { deliverCloudEvent } from '../../shared/runtime/function-runtime.ts';

functions.cloudEvent('analyze', (event: functions.CloudEvent<unknown>) =>
  deliverCloudEvent('analyze', event),
);
