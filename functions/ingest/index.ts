/**
 * The ingest function, two entry points: `ingest` (HTTP, `POST /v1/ingest/events`) and
 * `ingestUpload` (the Cloud Storage finalize event of the raw bucket, for `uploads/`).
 */
import * as functions from '@google-cloud/functions-framework';
import { routeIngestRequest, ingestStorageEvent } from '../../shared/runtime/ingest-entry.ts';

functions.http('ingest', routeIngestRequest);
functions.cloudEvent('ingestUpload', (event: functions.CloudEvent<unknown>) =>
  ingestStorageEvent(event),
);
