/**
 * The edge of every Pub/Sub handler: the payload is validated against its topic's schema; a
 * malformed message, or one whose input is permanently bad, is recorded in `rejected_messages`
 * and acknowledged (never retried forever); anything else thrown makes the bus redeliver.
 * After the work, the outbox is flushed so downstream messages go out.
 */
import type { BusMessage } from '../adapters/event-bus/event-bus.ts';
import { isValidationError } from '../errors/errors.ts';
import { payloadSchemas, type TopicPayloads } from '../messages/message-schemas.ts';
import type { Topic } from '../messages/topics.ts';
import { inSpan } from '../tracing/trace-context.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * Runs a stage for one delivered message.
 * @param deps - the ports
 * @param topic - the topic the stage subscribes to
 * @param message - the delivery
 * @param work - the stage, given the validated payload
 * @returns when the message can be acknowledged
 * @throws whatever `work` throws that is not a ValidationError, so the bus redelivers
 * @example await handleMessage(deps, topics.batchReceived, message, (p) => validateBatch(deps, p.batch_id))
 */
export async function handleMessage<T extends Topic>(
  deps: StageDeps,
  topic: T,
  message: BusMessage,
  work: (payload: TopicPayloads[T]) => Promise<void>,
): Promise<void> {
  const parsed = payloadSchemas[topic].safeParse(message.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const reason = `malformed ${topic} message: ${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}`;
    await recordRejectedMessage(deps, topic, message, reason);
    return;
  }
  // Each stage's span continues the trace its message carries (one trace from upload to report).
  const rejected = await inSpan(
    `${topic} process`,
    {
      'messaging.system': deps.bus.kind === 'pubsub' ? 'gcp_pubsub' : 'abtest_outbox',
      'messaging.destination.name': topic,
      'messaging.message.id': message.id,
      'abtest.attempt': message.attempt,
    },
    async () => {
      try {
        await work(parsed.data);
        return undefined;
      } catch (error) {
        if (!isValidationError(error)) throw error;
        return error.message;
      }
    },
    { parent: message.traceContext ?? {}, role: 'consumer' },
  );
  if (rejected !== undefined) {
    await recordRejectedMessage(deps, topic, message, rejected);
    return;
  }
  await deps.bus.flush();
}

async function recordRejectedMessage(
  deps: StageDeps,
  topic: Topic,
  message: BusMessage,
  reason: string,
): Promise<void> {
  deps.logger.warn('message rejected', { topic, message_id: message.id, reason });
  await deps.db.query(
    `INSERT INTO rejected_messages (topic, message_id, payload, reason) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING`,
    [topic, message.id, safeJson(message.data), reason],
  );
}

function safeJson(data: unknown): string {
  try {
    return typeof data === 'string' ? data : (JSON.stringify(data) ?? 'undefined');
  } catch {
    return String(data);
  }
}
