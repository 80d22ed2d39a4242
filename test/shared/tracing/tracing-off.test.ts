/**
 * Tracing is off by default: no provider is registered, so spans cost nothing, no context is
 * carried and the outbox stores none; ABTEST_TRACING takes only the documented values.
 */
import { describe, expect, it } from 'vitest';
import { outboxMessage, storedTraceContext } from '../../../shared/adapters/event-bus/outbox.ts';
import { startTracing } from '../../../shared/adapters/tracing/tracing-setup.ts';
import { loadConfig } from '../../../shared/config/load-config.ts';
import { topics } from '../../../shared/messages/topics.ts';
import {
  currentTraceCarrier,
  inSpan,
  traceCarrierOf,
} from '../../../shared/tracing/trace-context.ts';

describe('tracing off', () => {
  it('is the default, and registers nothing', async () => {
    const config = loadConfig({ ABTEST_DATA_DIR: '/tmp/abtest-tracing-off' });
    expect(config.tracing).toEqual({ exporter: 'off', otlpEndpoint: undefined });
    expect(await startTracing(config, { service: 'abtest' })).toBeUndefined();
    expect(() => loadConfig({ ABTEST_TRACING: 'jaeger' })).toThrow(/invalid ABTEST_TRACING/);
  });

  it('carries no context and stores none, while spans still run their work', async () => {
    const answer = await inSpan('ingest', {}, async () => {
      expect(currentTraceCarrier()).toEqual({});
      return storedTraceContext(outboxMessage(topics.rerun, { version: 1 } as never, 'k'));
    });
    expect(answer).toBeNull();
    await expect(inSpan('fails', {}, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
  });

  it('reads only traceparent and tracestate from message attributes', () => {
    expect(
      traceCarrierOf({ message_id: 'm', traceparent: '00-a-b-01', tracestate: 'x=1', other: 'y' }),
    ).toEqual({ traceparent: '00-a-b-01', tracestate: 'x=1' });
    expect(traceCarrierOf(null)).toEqual({});
    expect(traceCarrierOf({ traceparent: 7 })).toEqual({});
  });
});
