/**
 * What `GET /metrics` exposes, in the Prometheus text format (prom-client): every request by
 * route template, method and status, its duration, the assignments made, the batches by
 * status and the bus's backlog and dead letters (these two read from the database at scrape
 * time, so every instance reports the same), and Node's process metrics. One registry per
 * set of ports, so two servers in one process (tests) count apart.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queryable } from '../adapters/database/database.ts';
import { batchCounts, busCounts } from '../store/service-counts.ts';

/** The metrics of one service. */
export interface ServiceMetrics {
  /** Records one answered request. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** Counts assignments answered (single or bulk). */
  countAssignments(count: number): void;
  /** The exposition text. */
  exposition(): Promise<string>;
  /** Its Content-Type. */
  readonly contentType: string;
}

/** Request durations: 1 ms to 10 s. */
const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Makes the metrics of a service over its database.
 * @param db - where batch and bus counts are read at scrape time
 * @param relayed - the topics the bus relays (in process: those the chain subscribes to);
 *   undefined for every topic (Pub/Sub)
 * @returns the metrics
 * @example const metrics = serviceMetrics(deps.db, undefined); await metrics.exposition()
 */
export function serviceMetrics(
  db: Queryable,
  relayed: readonly string[] | undefined,
): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'abtest_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'abtest_http_request_duration_seconds',
    help: 'Time from a request to its answer, by route template and method.',
    labelNames: ['route', 'method'] as const,
    buckets: durationBuckets,
    registers: [registry],
  });
  const assignments = new Counter({
    name: 'abtest_assignments_total',
    help: 'Assignments answered by this instance (single and bulk).',
    registers: [registry],
  });
  new Counter({
    name: 'abtest_batches_total',
    help: 'Batches received (status="received": all of them) and how many ended validated, rejected or failed; from the database.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = await batchCounts(db);
      this.reset();
      for (const [status, count] of Object.entries(counts)) this.inc({ status }, count);
    },
  });
  new Gauge({
    name: 'abtest_bus_pending_messages',
    help: 'Messages not yet sent from the outbox, and in-process deliveries still pending.',
    registers: [registry],
    async collect() {
      this.set((await busCounts(db, relayed)).pending);
    },
  });
  new Gauge({
    name: 'abtest_bus_dead_lettered_messages',
    help: 'In-process deliveries that failed every attempt (on Pub/Sub: the dead-letter topic).',
    registers: [registry],
    async collect() {
      this.set((await busCounts(db, relayed)).deadLettered);
    },
  });
  return {
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      durations.observe({ route, method }, seconds);
    },
    countAssignments(count) {
      assignments.inc(count);
    },
    exposition: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
