/**
 * The OpenTelemetry SDK behind shared/tracing/: a tracer provider with the W3C trace-context
 * propagator and an AsyncLocalStorage context manager, exporting to Cloud Trace
 * (`ABTEST_TRACING=cloud-trace`, on GCP) or to an OTLP/HTTP collector (`otlp`). Off by default:
 * nothing is registered and the API's no-op tracer stays in place. Tests pass their own
 * exporter (an in-memory one) and get every span as it ends.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { Config } from '../../config/load-config.ts';
import { abtestVersion } from '../../version.ts';

/** Registered tracing, to flush and stop. */
export interface Tracing {
  /** Sends what is buffered. */
  flush(): Promise<void>;
  /** Sends what is buffered and unregisters everything. */
  shutdown(): Promise<void>;
}

/**
 * Registers tracing as the configuration says.
 * @param config - the tracing settings and the project
 * @param options - the service's name; `exporter` replaces the configured one (tests)
 * @returns the registered tracing, or undefined when it is off and no exporter is given
 * @example const tracing = await startTracing(config, { service: 'abtest' })
 */
export async function startTracing(
  config: Pick<Config, 'tracing' | 'projectId'>,
  options: { readonly service: string; readonly exporter?: SpanExporter },
): Promise<Tracing | undefined> {
  const exporter = options.exporter ?? (await configuredExporter(config));
  if (exporter === undefined) return undefined;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.service,
      'service.version': abtestVersion,
    }),
    spanProcessors: [
      options.exporter === undefined
        ? new BatchSpanProcessor(exporter)
        : new SimpleSpanProcessor(exporter),
    ],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The configured exporter, its package loaded only when it is used (gRPC is heavy to load). */
async function configuredExporter(
  config: Pick<Config, 'tracing' | 'projectId'>,
): Promise<SpanExporter | undefined> {
  switch (config.tracing.exporter) {
    case 'cloud-trace': {
      const { TraceExporter } = await import('@google-cloud/opentelemetry-cloud-trace-exporter');
      return new TraceExporter({ projectId: config.projectId });
    }
    case 'otlp': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter(
        config.tracing.otlpEndpoint === undefined ? {} : { url: config.tracing.otlpEndpoint },
      );
    }
    default:
      return undefined;
  }
}
