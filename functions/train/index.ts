/**
 * The train function: `abtest.analysis.completed` -> regression models -> `abtest.model.trained`.
 */
import * as functions from '@google-cloud/functions-framework';
import { deliverCloudEvent } from '../../shared/runtime/function-runtime.ts';

functions.cloudEvent('train', (event: functions.CloudEvent<unknown>) =>
  deliverCloudEvent('train', event),
);
