/**
 * The routes of the live layer (issue 14): snapshots, windows, alerts and the event stream.
 * Paths are the OpenAPI document's (openapi-live-paths.ts).
 */
import type { Route } from '../route.ts';
import { getAlerts, getSnapshots, getWindows, moveAlertRoute } from './live-handlers.ts';
import { streamLiveEvents } from './stream-handler.ts';

/** Every route of the live layer. */
export const liveRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/experiments/{experiment_id}/snapshots',
    access: 'read',
    handle: getSnapshots,
  },
  {
    method: 'GET',
    path: '/v1/experiments/{experiment_id}/windows',
    access: 'read',
    handle: getWindows,
  },
  { method: 'GET', path: '/v1/alerts', access: 'read', handle: getAlerts },
  {
    method: 'POST',
    path: '/v1/alerts/{alert_id}/acknowledge',
    access: 'write',
    handle: moveAlertRoute('acknowledge'),
  },
  {
    method: 'POST',
    path: '/v1/alerts/{alert_id}/resolve',
    access: 'write',
    handle: moveAlertRoute('resolve'),
  },
  { method: 'GET', path: '/v1/stream', access: 'read', handle: streamLiveEvents },
];
