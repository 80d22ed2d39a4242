/**
 * The results function: the read-only HTTP API over analyses, models and reports.
 */
import * as functions from '@google-cloud/functions-framework';
import { routeResultsRequest } from '../../shared/runtime/results-entry.ts';

functions.http('results', routeResultsRequest);
