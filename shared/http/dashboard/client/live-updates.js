/**
 * The dashboard's subscription to `GET /v1/stream` (Server-Sent Events). It reads the stream with
 * `fetch`, not `EventSource`, so the token goes in the `Authorization` header like every other
 * request, never in a URL (which would end up in access logs). After a dropped connection it
 * reconnects with `Last-Event-ID`, so no event is missed.
 */
import { readToken } from './api.js';

/**
 * Parses the complete events at the start of a buffer of stream text.
 * @param {string} buffer - text received so far
 * @returns {{ events: { id: string | null, event: string, data: string }[], rest: string }} the
 *   events and the unfinished tail
 */
export function parseServerSentEvents(buffer) {
  const events = [];
  let rest = buffer.replace(/\r\n/g, '\n');
  let end = rest.indexOf('\n\n');
  while (end >= 0) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    let id = null;
    let event = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ id, event, data: data.join('\n') });
    end = rest.indexOf('\n\n');
  }
  return { events, rest };
}

/**
 * Follows the live stream until `signal` aborts.
 * @param {string} path - `/v1/stream` with its query
 * @param {(type: string, data: unknown) => void} onEvent - called per event
 * @param {AbortSignal} signal - stops it
 */
export function subscribeLive(path, onEvent, signal) {
  let lastId = null;
  const wait = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  const follow = async () => {
    while (!signal.aborted) {
      try {
        const headers = { accept: 'text/event-stream' };
        const token = readToken();
        if (token !== null) headers.authorization = `Bearer ${token}`;
        if (lastId !== null) headers['last-event-id'] = lastId;
        const response = await fetch(path, {
          headers,
          signal,
          credentials: 'omit',
          cache: 'no-store',
        });
        if (!response.ok || response.body === null) throw new Error(String(response.status));
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          const parsed = parseServerSentEvents(buffer);
          buffer = parsed.rest;
          for (const event of parsed.events) {
            if (event.id !== null) lastId = event.id;
            let data = null;
            try {
              data = JSON.parse(event.data);
            } catch {
              data = null;
            }
            onEvent(event.event, data);
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      await wait(3000);
    }
  };
  void follow();
}
