/**
 * The validate function: `abtest.batch.received` -> curated Parquet -> `abtest.batch.validated`.
 */
import * as functions from '@google-cloud/functions-framework';
import { deliverCloudEvent } from '../../shared/runtime/function-runtime.ts';

functions.cloudEvent('validate', (event: functions.CloudEvent<unknown>) =>
  deliverCloudEvent('validate', event),
);
