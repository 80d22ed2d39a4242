/**
 * The route table of the results function. Paths are the OpenAPI document's paths; access says
 * what token a caller needs (`public`: none, `read`: either token, `write`: the full token).
 */
import { dashboard } from '../dashboard/dashboard-handler.ts';
import { getAnalyticsResults, getPredictions, getResultsByDay } from './analytics-handlers.ts';
import { getExperiment, getSummary, listAnalyses, listExperiments } from './experiment-handlers.ts';
import { getJob, requestAnalysis, requestTraining } from './job-handlers.ts';
import { postPlan } from './plan-handlers.ts';
import { downloadReport, latestReport } from './report-handlers.ts';
import { downloadPlot } from './plot-handlers.ts';
import type { Route } from '../route.ts';
import { liveRoutes } from '../live/live-routes.ts';
import { docs, health, metrics, openApiJson, readiness } from './service-handlers.ts';
import { getAssignment, postBulkAssignments } from '../experiments/assignment-handlers.ts';
import {
  getAudit,
  patchExperimentRoute,
  postDefinition,
  postExperiment,
  postAllocation,
  putStatus,
} from '../experiments/definition-handlers.ts';
import {
  listDeliveries,
  listWebhooks,
  registerWebhook,
  removeWebhook,
} from './webhook-handlers.ts';

/** Every route of the results API. */
export const resultsRoutes: readonly Route[] = [
  { method: 'GET', path: '/', access: 'public', handle: dashboard },
  { method: 'GET', path: '/healthz', access: 'public', handle: health },
  { method: 'GET', path: '/readyz', access: 'public', handle: readiness },
  { method: 'GET', path: '/openapi.json', access: 'public', handle: openApiJson },
  { method: 'GET', path: '/docs', access: 'public', handle: docs },
  { method: 'GET', path: '/metrics', access: 'read', handle: metrics },
  { method: 'GET', path: '/v1/experiments', access: 'read', handle: listExperiments },
  { method: 'POST', path: '/v1/experiments', access: 'write', handle: postExperiment },
  { method: 'GET', path: '/v1/experiments/{experiment_id}', access: 'read', handle: getExperiment },
  {
    method: 'PATCH',
    path: '/v1/experiments/{experiment_id}',
    access: 'write',
    handle: patchExperimentRoute,
  },
  {
    method: 'PUT',
    path: '/v1/experiments/{experiment_id}/status',
    access: 'write',
    handle: putStatus,
  },
  {
    method: 'POST',
    path: '/v1/experiments/{experiment_id}/allocation',
    access: 'write',
    handle: postAllocation,
  },
  {
    method: 'GET',
    path: '/v1/experiments/{experiment_id}/audit',
    access: 'read',
    handle: getAudit,
  },
  {
    method: 'GET',
    path: '/v1/experiments/{experiment_id}/assignment/{user_id}',
    access: 'read',
    handle: getAssignment,
  },
  { method: 'POST', path: '/v1/assignments/bulk', access: 'read', handle: postBulkAssignments },
  { method: 'POST', path: '/v1/definitions', access: 'write', handle: postDefinition },
  {
    method: 'GET',
    path: '/v1/experiments/{experiment_id}/summary',
    access: 'read',
    handle: getSummary,
  },
  {
    method: 'GET',
    path: '/v1/experiments/{experiment_id}/results',
    access: 'read',
    handle: getResultsByDay,
  },
  {
    method: 'GET',
    path: '/v1/experiments/{experiment_id}/analyses',
    access: 'read',
    handle: listAnalyses,
  },
  {
    method: 'GET',
    path: '/v1/experiments/{experiment_id}/reports/{analysis_id}.pdf',
    access: 'read',
    handle: downloadReport('pdf'),
  },
  {
    method: 'GET',
    path: '/v1/experiments/{experiment_id}/reports/{analysis_id}.csv',
    access: 'read',
    handle: downloadReport('csv'),
  },
  {
    method: 'GET',
    path: '/v1/experiments/{experiment_id}/report',
    access: 'read',
    handle: latestReport,
  },
  {
    method: 'GET',
    path: '/v1/experiments/{experiment_id}/analyses/{analysis_id}/plots/{name}',
    access: 'read',
    handle: downloadPlot,
  },
  {
    method: 'GET',
    path: '/v1/analytics/results/{experiment_id}',
    access: 'read',
    handle: getAnalyticsResults,
  },
  {
    method: 'GET',
    path: '/v1/model/predictions/{experiment_id}',
    access: 'read',
    handle: getPredictions,
  },
  { method: 'POST', path: '/v1/analytics/run', access: 'write', handle: requestAnalysis },
  { method: 'POST', path: '/v1/model/train', access: 'write', handle: requestTraining },
  { method: 'POST', path: '/v1/plan', access: 'read', handle: postPlan },
  { method: 'GET', path: '/v1/jobs/{job_id}', access: 'read', handle: getJob },
  { method: 'GET', path: '/v1/webhooks', access: 'read', handle: listWebhooks },
  { method: 'POST', path: '/v1/webhooks', access: 'write', handle: registerWebhook },
  { method: 'DELETE', path: '/v1/webhooks/{webhook_id}', access: 'write', handle: removeWebhook },
  {
    method: 'GET',
    path: '/v1/webhooks/{webhook_id}/deliveries',
    access: 'read',
    handle: listDeliveries,
  },
  ...liveRoutes,
];
