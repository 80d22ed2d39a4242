/**
 * OpenTelemetry traces across the chain, with an in-memory exporter: the spans of one upload,
 * from its ingest to its report, share one trace id through the in-process bus (the outbox
 * carries the context), a second upload is a trace of its own, and a message published on the
 * Pub/Sub emulator carries the context as attributes to the stage that handles it.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../shared/adapters/database/migrate.ts';
import { enqueueMessage } from '../../../shared/adapters/event-bus/outbox.ts';
import { pubSubBus } from '../../../shared/adapters/event-bus/pubsub-bus.ts';
import { localBlobStore } from '../../../shared/adapters/blob-store/local-blob-store.ts';
import { startTracing, type Tracing } from '../../../shared/adapters/tracing/tracing-setup.ts';
import { loadConfig } from '../../../shared/config/load-config.ts';
import { emptyTruth, generateEvents } from '../../../shared/generate/generate-events.ts';
import { writeGeneratedFile } from '../../../shared/generate/write-generated-file.ts';
import { silentLogger } from '../../../shared/logging/logger.ts';
import { topics } from '../../../shared/messages/topics.ts';
import { ingestCsvFile } from '../../support/ingest-csv-file.ts';
import { handleMessage } from '../../../shared/stages/message-handler.ts';
import { inSpan } from '../../../shared/tracing/trace-context.ts';
import { pgliteSchemas } from '../../support/isolated-databases.ts';
import { openLocalStack, type LocalStack } from '../../support/local-stack.ts';

const exporter = new InMemorySpanExporter();
let tracing: Tracing | undefined;

beforeAll(async () => {
  tracing = await startTracing(
    { tracing: { exporter: 'off', otlpEndpoint: undefined }, projectId: 'abtest-local' },
    { service: 'abtest-test', exporter },
  );
});

afterAll(async () => {
  await tracing?.shutdown();
});

const traceOf = (span: ReadableSpan) => span.spanContext().traceId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('one trace per upload through the in-process bus', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await openLocalStack({}, { chain: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function upload(name: string, experimentId: string, seed: number) {
    const file = path.join(stack.dataDir, name);
    const options = { users: 300, seed, experimentId, mess: false };
    await writeGeneratedFile(file, 'csv', generateEvents(options, emptyTruth(options)));
    return ingestCsvFile(stack.deps, file);
  }

  it('links ingest, validate, analyze, train and report of one upload in one trace', async () => {
    exporter.reset();
    await upload('first.csv', 'trace-one', 1);
    await upload('second.csv', 'trace-two', 2);
    await stack.deps.bus.idle();
    const spans = exporter.getFinishedSpans();
    const ingests = spans.filter((span) => span.name === 'ingest');
    expect(ingests).toHaveLength(2);
    const [first, second] = ingests as [ReadableSpan, ReadableSpan];
    expect(traceOf(first)).not.toBe(traceOf(second));
    for (const root of ingests) {
      const inTrace = spans.filter((span) => traceOf(span) === traceOf(root));
      expect(inTrace.map((span) => span.name).sort()).toEqual(
        [
          'abtest.analysis.completed process',
          'abtest.batch.received process',
          // Two stages handle abtest.batch.validated: analyze and the live monitor.
          'abtest.batch.validated process',
          'abtest.batch.validated process',
          // The report stage handles abtest.model.trained; nothing subscribes to report.ready.
          'abtest.model.trained process',
          'ingest',
        ].sort(),
      );
      // Each stage is a child of the span that wrote its message: a chain, not siblings.
      const received = inTrace.find((span) => span.name === 'abtest.batch.received process');
      expect(parentOf(received as ReadableSpan)).toBe(root.spanContext().spanId);
      const validated = inTrace.filter((span) => span.name === 'abtest.batch.validated process');
      for (const span of validated) expect(parentOf(span)).toBe(received?.spanContext().spanId);
    }
  });

  it('stores the trace context beside every message written inside a span', async () => {
    const stored = await stack.deps.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox_messages WHERE trace_context IS NULL',
    );
    // Every message above was written inside a span.
    expect(stored.rows[0]?.n).toBe(0);
  });
});

const emulator = process.env.PUBSUB_EMULATOR_HOST;
const projectId = process.env.GOOGLE_CLOUD_PROJECT ?? 'abtest-local';

describe.runIf(emulator !== undefined && emulator !== '')(
  'the trace context through the Pub/Sub emulator',
  () => {
    const databases = pgliteSchemas();
    const admin = new PubSub({ projectId });
    const tag = `t${randomBytes(4).toString('hex')}`;

    afterAll(async () => {
      const [subscriptions] = await admin.getSubscriptions();
      for (const subscription of subscriptions) {
        if (subscription.name.split('/').pop()?.startsWith(`${tag}-`)) await subscription.delete();
      }
      await admin.close();
      await databases.close();
    });

    it('carries traceparent as a message attribute to the handling stage', async () => {
      const isolated = await databases.open();
      await migrate(isolated.db);
      const bus = pubSubBus(isolated.db, { projectId, logger: silentLogger });
      const config = loadConfig({ ABTEST_DATA_DIR: path.join('/tmp', tag) });
      const deps = {
        db: isolated.db,
        blobs: localBlobStore(path.join('/tmp', tag)),
        bus,
        config,
        logger: silentLogger,
      };
      const batchId = `b_${randomBytes(12).toString('hex')}`;
      let handled!: () => void;
      const done = new Promise<void>((resolve) => {
        handled = resolve;
      });
      let attributes: Record<string, string> | undefined;
      try {
        await bus.subscribe(topics.batchReceived, `${tag}-received`, async (message) => {
          if ((message.data as { batch_id?: string }).batch_id !== batchId) return;
          attributes = { ...message.traceContext };
          await handleMessage(deps, topics.batchReceived, message, async () => undefined);
          handled();
        });
        exporter.reset();
        await inSpan('ingest', {}, async () => {
          await enqueueMessage(
            isolated.db,
            topics.batchReceived,
            { version: 1, batch_id: batchId },
            batchId,
          );
        });
        await bus.flush();
        await done;
      } finally {
        await bus.close();
        await isolated.dispose();
      }
      const spans = exporter.getFinishedSpans();
      const root = spans.find((span) => span.name === 'ingest') as ReadableSpan;
      const stage = spans.find((span) => span.name === 'abtest.batch.received process');
      expect(stage).toBeDefined();
      expect(traceOf(stage as ReadableSpan)).toBe(traceOf(root));
      expect(parentOf(stage as ReadableSpan)).toBe(root.spanContext().spanId);
      expect(attributes?.traceparent).toBe(`00-${traceOf(root)}-${root.spanContext().spanId}-01`);
    });
  },
);
