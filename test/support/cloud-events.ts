/**
 * CloudEvents as GCP delivers them to functions, built from abtest's own outbox rows: Pub/Sub
 * `messagePublished` events (https://cloud.google.com/eventarc/docs/cloudevents#pubsub) and
 * Cloud Storage `object.v1.finalized` events.
 */
import type { Queryable } from '../../shared/adapters/database/database.ts';

/** A Pub/Sub CloudEvent carrying a JSON payload on a topic. */
export function pubSubCloudEvent(topic: string, payload: unknown, messageId = 'm-1') {
  return {
    specversion: '1.0',
    id: messageId,
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    source: `//pubsub.googleapis.com/projects/abtest-local/topics/${topic}`,
    datacontenttype: 'application/json',
    data: {
      message: {
        data: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString(
          'base64',
        ),
        attributes: { message_id: messageId },
        messageId,
        publishTime: '2026-11-26T00:00:00.000Z',
      },
      subscription: `projects/abtest-local/subscriptions/${topic}`,
    },
  };
}

/** A Cloud Storage finalize CloudEvent for an object. */
export function storageCloudEvent(bucket: string, name: string, contentType = 'text/csv') {
  return {
    specversion: '1.0',
    id: `gcs-${name}`,
    type: 'google.cloud.storage.object.v1.finalized',
    source: `//storage.googleapis.com/projects/_/buckets/${bucket}`,
    subject: `objects/${name}`,
    data: { bucket, name, contentType },
  };
}

/** The outbox messages of a topic, oldest first, as CloudEvents. */
export async function outboxEvents(db: Queryable, topic: string) {
  const rows = await db.query<{ message_id: string; payload: unknown }>(
    'SELECT message_id, payload FROM outbox_messages WHERE topic = $1 ORDER BY created_at, message_id',
    [topic],
  );
  return rows.rows.map((row) => pubSubCloudEvent(topic, row.payload, row.message_id));
}
