/**
 * Small helpers for the HTTP edge: JSON responses, errors as `{ "error": message }`, and the
 * request body as a stream whether or not a framework has already read it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * Sends a JSON response.
 * @param res - the response
 * @param status - the HTTP status
 * @param body - any JSON value
 * @param headers - extra headers
 * @example sendJson(res, 202, { batch_id })
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/**
 * Sends an error as `{ "error": message, ...details }`.
 * @param res - the response
 * @param status - the HTTP status
 * @param message - what went wrong, for a person
 * @param details - extra fields
 * @example sendError(res, 415, 'unsupported Content-Type text/xml')
 */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): void {
  sendJson(res, status, { error: message, ...details });
}

/**
 * The request body as a stream. functions-framework reads bodies before the handler runs and
 * keeps the bytes in `rawBody`; a plain Node server leaves the request unread.
 * @param req - the request
 * @returns a readable stream of the body's bytes
 * @example for await (const chunk of requestBody(req)) {}
 */
export function requestBody(req: IncomingMessage): Readable {
  const raw = (req as IncomingMessage & { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(raw)) return Readable.from([raw]);
  if ((req as IncomingMessage & { _body?: boolean })._body === true) return Readable.from([]);
  return req;
}

/**
 * The path of a request without its query string.
 * @param req - the request
 * @returns the path, e.g. `/v1/ingest/events`
 * @example requestPath(req)
 */
export function requestPath(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}
