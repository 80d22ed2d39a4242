/**
 * The report function: `abtest.model.trained` -> PDF and CSV reports -> `abtest.report.ready`.
 */
import * as functions from '@google-cloud/functions-framework';
import { deliverCloudEvent } from '../../shared/runtime/function-runtime.ts';

functions.cloudEvent('report', (event: functions.CloudEvent<unknown>) =>
  deliverCloudEvent('report', event),
);
