/**
 * Every HTTP route of abtest: the results API and the upload endpoint. `abtest serve` serves
 * them all on one port; on GCP the ingest and results functions each serve their share. The
 * OpenAPI document describes this table.
 */
import { ingestRoutes } from './ingest-routes.ts';
import { resultsRoutes } from './results/results-routes.ts';
import type { Route } from './route.ts';

/** The routes of the whole API. */
export const apiRoutes: readonly Route[] = [...ingestRoutes, ...resultsRoutes];
