/**
 * Events as they happen (`POST /v1/events`, `POST /v1/events/batch`): the events of a request
 * become one NDJSON batch, line N holding event N, and go through ingest like an upload, so
 * validate applies the same contract, row errors and deduplication to them. Before that, two
 * things only a request can do: the timestamp defaults to now, and a missing variant is the
 * user's assignment in that experiment. An event whose variant cannot be found that way (an
 * unknown experiment, one that is not running or declares no variants, a user outside the
 * allocation) is a row error: it is answered at once with its reason, and kept in the batch
 * without a variant, where validate rejects it as the contract says. When those rows alone
 * are more than the rejection threshold, nothing is stored and the request is refused whole,
 * as an upload would be.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors/errors.ts';
import {
  canonicalColumnName,
  experimentIdPattern,
  knownOptionalColumns,
  requiredColumns,
} from '../events/events-contract.ts';
import type { RowError } from '../result/result-document.ts';
import { findExperiments, type ExperimentRecord } from '../store/experiment-records.ts';
import { assigning, assignUser } from './assignments.ts';
import { ingestUpload, type IngestOutcome } from './ingest.ts';
import type { StageDeps } from './stage-deps.ts';

/** The most events one request may carry. */
export const maxEventsPerRequest = 10_000;

/** What became of a request's events. */
export interface LiveEventsOutcome extends IngestOutcome {
  /** The rows found in error before ingest (the variant rule), with their reasons. */
  readonly requestErrors: readonly RowError[];
}

const contractColumns = new Set<string>([...requiredColumns, ...knownOptionalColumns]);

/**
 * Ingests events sent over the API.
 * @param deps - the ports
 * @param events - the events, unvalidated (each must be a JSON object)
 * @param source - the batch's source name
 * @param idempotencyKey - the request's `Idempotency-Key`, if any
 * @returns the batch and the row errors found before ingest
 * @throws {ValidationError} 400 for an element that is not an object or bad `properties`;
 *   422 when the variant rule alone rejects more than the threshold
 * @example await ingestLiveEvents(deps, [{ experiment_id: 'e', user_id: 'u', event_type: 'purchase', value: 5 }], 'POST /v1/events')
 */
export async function ingestLiveEvents(
  deps: StageDeps,
  events: readonly unknown[],
  source: string,
  idempotencyKey?: string,
): Promise<LiveEventsOutcome> {
  const objects = events.map((event, index) => eventObject(event, index, source));
  const needing = objects.filter((event) => event.variant === undefined || event.variant === null);
  const wanted = [
    ...new Set(
      needing
        .map((event) => event.experiment_id)
        .filter((id): id is string => typeof id === 'string' && experimentIdPattern.test(id)),
    ),
  ];
  const records = wanted.length === 0 ? new Map() : await findExperiments(deps.db, wanted);
  const now = new Date().toISOString();
  const requestErrors: RowError[] = [];
  const lines = objects.map((event, index) => {
    let variant = event.variant;
    if (variant === undefined || variant === null) {
      const found = resolveVariant(deps, records, event);
      variant = found.variant;
      if (found.reason !== undefined) {
        requestErrors.push({
          line: index + 1,
          column: 'variant',
          value: null,
          reason: found.reason,
        });
      }
    }
    return JSON.stringify(eventRow(event, variant, now));
  });
  const share = requestErrors.length / Math.max(1, objects.length);
  if (share > deps.config.rejectThreshold) {
    throw new ValidationError(
      `${source}: ${percent(share)} of events rejected (${requestErrors.length} of ${objects.length}), above the threshold of ${percent(deps.config.rejectThreshold)}`,
      422,
      {},
      { errors: requestErrors.slice(0, 100) },
    );
  }
  const content = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  const outcome = await ingestUpload(deps, {
    content,
    source,
    format: 'ndjson',
    contentHash: createHash('sha256').update(content).digest('hex'),
    byteSize: content.length,
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  });
  return { ...outcome, requestErrors };
}

type EventObject = Readonly<Record<string, unknown>>;

function eventObject(event: unknown, index: number, source: string): EventObject {
  const where = `${source}: event ${index + 1}`;
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new ValidationError(`${where}: expected a JSON object`, 400, { line: index + 1 });
  }
  const object = event as EventObject;
  const properties = object.properties;
  if (properties !== undefined && properties !== null) {
    if (typeof properties !== 'object' || Array.isArray(properties)) {
      throw new ValidationError(`${where}: properties must be a JSON object`, 400, {
        line: index + 1,
        column: 'properties',
      });
    }
    const clash = Object.keys(properties).find(
      (key) =>
        contractColumns.has(canonicalColumnName(key)) || canonicalColumnName(key) === 'properties',
    );
    if (clash !== undefined) {
      throw new ValidationError(
        `${where}: properties.${clash} would stand for the column ${canonicalColumnName(clash)}: send it as a field of the event`,
        400,
        { line: index + 1, column: 'properties' },
      );
    }
  }
  const unknown = Object.keys(object).find(
    (key) => !contractColumns.has(key) && key !== 'properties',
  );
  if (unknown !== undefined) {
    throw new ValidationError(
      `${where}: unknown field "${unknown}": put attributes under "properties"`,
      400,
      { line: index + 1, column: unknown },
    );
  }
  return object;
}

function resolveVariant(
  deps: StageDeps,
  records: ReadonlyMap<string, ExperimentRecord>,
  event: EventObject,
): { variant: string | null; reason?: string } {
  const experimentId = event.experiment_id;
  const userId = event.user_id;
  // A bad experiment or user id is the contract's row error; nothing to add.
  if (typeof experimentId !== 'string' || !experimentIdPattern.test(experimentId)) {
    return { variant: null };
  }
  if (typeof userId !== 'string' || userId.trim() === '') return { variant: null };
  const record = records.get(experimentId);
  if (record === undefined) {
    return { variant: null, reason: `unknown experiment ${experimentId}: send the variant` };
  }
  if (record.status !== 'running') {
    return {
      variant: null,
      reason: `experiment ${experimentId} is ${record.status}, not running: send the variant`,
    };
  }
  if (record.definition?.variants === undefined) {
    return {
      variant: null,
      reason: `experiment ${experimentId} declares no variants: send the variant`,
    };
  }
  const assignment = assignUser(assigning(deps.db, record), userId);
  if (assignment.variant === null) {
    return {
      variant: null,
      reason: `user ${userId} is outside the traffic allocation of experiment ${experimentId}`,
    };
  }
  return { variant: assignment.variant };
}

/** The event as a row of the contract: its fields, the variant and timestamp filled in, then its properties as attributes. */
function eventRow(event: EventObject, variant: unknown, now: string): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  if (event.event_id !== undefined) row.event_id = event.event_id;
  row.experiment_id = event.experiment_id ?? null;
  row.user_id = event.user_id ?? null;
  row.variant = variant ?? null;
  row.event_type = event.event_type ?? null;
  row.timestamp = event.timestamp ?? now;
  if (event.value !== undefined) row.value = event.value;
  const properties = (event.properties ?? {}) as Readonly<Record<string, unknown>>;
  for (const [key, value] of Object.entries(properties)) row[key] = value;
  return row;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
