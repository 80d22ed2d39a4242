/**
 * Traces across the chain (OpenTelemetry, through its API only: the SDK and the exporters are
 * set up at the edge, shared/adapters/tracing/). One upload is one trace: the span of its
 * ingest is the root; every message written to the outbox carries the active context (the W3C
 * `traceparent` and `tracestate`), Pub/Sub carries it as message attributes, and each stage's
 * span continues it. With tracing off (the default) no provider is registered: spans are
 * no-ops and no context is carried.
 */
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
} from '@opentelemetry/api';

/** The propagated context of a message: W3C `traceparent` (and `tracestate`), or empty. */
export type TraceCarrier = Readonly<Record<string, string>>;

/** The attribute names a carrier may hold. */
const carrierKeys = ['traceparent', 'tracestate'] as const;

/** The instrumentation scope of every abtest span. */
export const tracerName = 'abtest';

/**
 * The active context as a carrier, to store beside a message.
 * @returns `{traceparent, tracestate?}`, or `{}` when nothing is traced
 * @example const carrier = currentTraceCarrier()
 */
export function currentTraceCarrier(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * The carrier fields of a message's attributes (Pub/Sub) or stored context (the outbox).
 * @param attributes - any string map, or nothing
 * @returns only `traceparent` and `tracestate`, when present
 * @example traceCarrierOf({ message_id: 'm', traceparent: '00-…' }) // { traceparent: '00-…' }
 */
export function traceCarrierOf(attributes: unknown): TraceCarrier {
  if (attributes === null || typeof attributes !== 'object') return {};
  const source = attributes as Record<string, unknown>;
  const carrier: Record<string, string> = {};
  for (const key of carrierKeys) {
    const value = source[key];
    if (typeof value === 'string' && value.length <= 512) carrier[key] = value;
  }
  return carrier;
}

/** How a span relates to the work around it. */
export type SpanRole = 'internal' | 'server' | 'producer' | 'consumer';

const kinds: Readonly<Record<SpanRole, SpanKind>> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

/**
 * Runs work inside a new active span: a child of `parent` when a carrier is given (a delivered
 * message), else of the active span. A thrown error marks the span failed and is rethrown.
 * @param name - the span's name (`validate`, `POST /v1/ingest/events`)
 * @param attributes - its attributes
 * @param work - the work
 * @param options - the parent carrier and the span's role
 * @returns what the work returns
 * @example await inSpan('analyze', { 'abtest.experiment_id': id }, () => analyze(deps, id))
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
  options: { readonly parent?: TraceCarrier; readonly role?: SpanRole } = {},
): Promise<T> {
  const parent =
    options.parent === undefined || options.parent.traceparent === undefined
      ? context.active()
      : propagation.extract(context.active(), options.parent);
  const tracer = trace.getTracer(tracerName);
  return tracer.startActiveSpan(
    name,
    { attributes, kind: kinds[options.role ?? 'internal'] },
    parent,
    async (span) => {
      try {
        return await work();
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
