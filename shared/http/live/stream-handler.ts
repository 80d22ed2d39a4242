/**
 * `GET /v1/stream[?experiment_id=]`: Server-Sent Events of the live feed (`batch.validated`,
 * `analysis.completed`, `snapshot`, `alert.opened`, `alert.updated`), each with its feed id as
 * the SSE `id`, so a client that reconnects with `Last-Event-ID` gets what it missed. The feed
 * is a table (shared/store/live-feed.ts), polled every {@link streamPollMs}: a client on any
 * instance sees events written by every instance. A comment every {@link heartbeatMs} keeps
 * proxies from closing a quiet stream. The socket's idle timeout does not apply to a stream;
 * `closeLiveStreams` ends them all when the server stops.
 */
import type { ServerResponse } from 'node:http';
import { ValidationError } from '../../errors/errors.ts';
import type { StageDeps } from '../../stages/stage-deps.ts';
import { latestLiveEventId, liveEventsAfter } from '../../store/live-feed.ts';
import { checkedId } from '../results/path-ids.ts';
import type { RouteContext } from '../route.ts';

/** How often the feed is read for new events. */
export const streamPollMs = 500;
/** How often a quiet stream sends a comment. */
export const heartbeatMs = 15_000;
/** How long a browser waits before reconnecting (the SSE `retry` field). */
export const reconnectMs = 3000;

const openStreams = new WeakMap<StageDeps, Set<ServerResponse>>();

/**
 * Serves the live feed as Server-Sent Events until the client goes or the server stops.
 * @param context - the request
 * @returns when the stream has ended
 * @throws {ValidationError} (400) for a bad `experiment_id` or `Last-Event-ID`
 * @example await streamLiveEvents(context)
 */
export async function streamLiveEvents(context: RouteContext): Promise<void> {
  const { deps, req, res } = context;
  const filter = context.query.get('experiment_id');
  const experimentId =
    filter === null || filter === '' ? undefined : checkedId('experiment', filter);
  const resumeFrom = req.headers['last-event-id'];
  let lastId: number;
  if (typeof resumeFrom === 'string' && resumeFrom !== '') {
    if (!/^\d{1,15}$/.test(resumeFrom)) {
      throw new ValidationError('Last-Event-ID must be an id this stream sent', 400);
    }
    lastId = Number(resumeFrom);
  } else {
    lastId = await latestLiveEventId(deps.db);
  }

  req.socket.setTimeout(0);
  req.socket.setNoDelay(true);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    // The socket closes with the stream: a server that stops is not held by an idle keep-alive.
    connection: 'close',
  });
  res.write(`retry: ${reconnectMs}\n: stream open\n\n`);
  const streams = openStreams.get(deps) ?? new Set<ServerResponse>();
  openStreams.set(deps, streams);
  streams.add(res);

  await new Promise<void>((resolve) => {
    let polling = false;
    const poll = async () => {
      if (polling) return;
      polling = true;
      try {
        for (;;) {
          const events = await liveEventsAfter(deps.db, lastId, experimentId, 100);
          for (const event of events) {
            res.write(
              `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`,
            );
            lastId = event.id;
          }
          if (events.length < 100 || res.writableEnded) break;
        }
      } catch (error) {
        context.logger.warn('live stream could not read the feed', { error });
      } finally {
        polling = false;
      }
    };
    const pollTimer = setInterval(() => void poll(), streamPollMs);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    void poll();
    res.once('close', () => {
      clearInterval(pollTimer);
      clearInterval(heartbeat);
      streams.delete(res);
      resolve();
    });
  });
}

/**
 * Ends every open stream of a set of ports (the server is stopping; clients reconnect
 * elsewhere with `Last-Event-ID`).
 * @param deps - the ports the streams were served over
 * @returns how many were ended
 * @example closeLiveStreams(deps)
 */
export function closeLiveStreams(deps: StageDeps): number {
  const streams = openStreams.get(deps);
  if (streams === undefined) return 0;
  const count = streams.size;
  for (const res of streams) res.end();
  return count;
}
