/**
 * Enrollment: `?enroll=true` on an assignment records the user's exposure as an event,
 * `{event_id: "enroll:{experiment}:{user}", event_type: <exposure_event>, variant, timestamp}`,
 * through the normal ingest path: the events become an NDJSON batch whose raw bytes are
 * stored and whose row and `abtest.batch.received` message commit together (the transactional
 * outbox), then validate deduplicates them like any upload. The event id is the same every
 * time, so a repeated enroll is a duplicate and counts once.
 *
 * Enrollments arriving together (concurrent requests, a bulk request) go into one batch: the
 * first waits a few milliseconds for others (group commit), so a stream of single enrolls
 * makes a batch per few milliseconds, not one per request. A request is answered once its
 * batch is stored.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../adapters/database/database.ts';
import { groupCommit } from '../store/group-commit.ts';
import { ingestUpload } from './ingest.ts';
import type { StageDeps } from './stage-deps.ts';

/** One user's exposure to the variant it was assigned. */
export interface Enrollment {
  readonly experimentId: string;
  readonly userId: string;
  readonly variant: string;
  /** The experiment's exposure event type. */
  readonly eventType: string;
  /** ISO-8601, UTC. */
  readonly timestamp: string;
}

/** The source name of enrollment batches. */
export const enrollmentSource = 'enrollments.ndjson';

/** How long the first enrollment of a batch waits for others. */
const gatherMs = 5;

/**
 * The event id of a user's enrollment in an experiment: the same on every enroll.
 * @param experimentId - the experiment
 * @param userId - the user
 * @returns `enroll:{experiment}:{user}`
 * @example enrollmentEventId('exp1', 'u1') // 'enroll:exp1:u1'
 */
export function enrollmentEventId(experimentId: string, userId: string): string {
  return `enroll:${experimentId}:${userId}`;
}

/**
 * The NDJSON line of an enrollment event.
 * @param enrollment - the enrollment
 * @returns one JSON object, no newline
 * @example enrollmentLine({ experimentId: 'e', userId: 'u', variant: 'a', eventType: 'exposure', timestamp: '2026-01-01T00:00:00.000Z' })
 */
export function enrollmentLine(enrollment: Enrollment): string {
  return JSON.stringify({
    event_id: enrollmentEventId(enrollment.experimentId, enrollment.userId),
    experiment_id: enrollment.experimentId,
    user_id: enrollment.userId,
    variant: enrollment.variant,
    event_type: enrollment.eventType,
    timestamp: enrollment.timestamp,
  });
}

const writers = new WeakMap<Database, (group: readonly Enrollment[]) => Promise<string>>();

/**
 * Records enrollments as events through ingest, together with those arriving meanwhile.
 * @param deps - the ports
 * @param enrollments - the exposures
 * @returns the id of the batch holding them
 * @example await recordEnrollments(deps, [{ experimentId: 'e', userId: 'u', ... }])
 */
export function recordEnrollments(
  deps: StageDeps,
  enrollments: readonly Enrollment[],
): Promise<string> {
  let write = writers.get(deps.db);
  if (write === undefined) {
    write = groupCommit(async (groups: readonly (readonly Enrollment[])[]) => {
      const text = `${groups
        .flat()
        .map((enrollment) => enrollmentLine(enrollment))
        .join('\n')}\n`;
      const content = Buffer.from(text, 'utf8');
      const outcome = await ingestUpload(deps, {
        content,
        source: enrollmentSource,
        format: 'ndjson',
        contentHash: createHash('sha256').update(content).digest('hex'),
        byteSize: content.length,
      });
      return groups.map(() => outcome.batch.batch_id);
    }, gatherMs);
    writers.set(deps.db, write);
  }
  return write(enrollments);
}
