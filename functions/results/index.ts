/**
 * The results function: the HTTP API over experiments, analyses, models, reports, jobs and
 * webhooks (shared/http/results), with its OpenAPI document at `/openapi.json` and `/docs`.
 */
import * as functions from '@google-cloud/functions-framework';
import { routeResultsRequest } from '../../shared/runtime/results-entry.ts';

functions.http('results', routeResultsRequest);
