/**
 * The body of a write request, read with a size limit (64 KiB by default: most bodies name an
 * experiment or a URL; bulk routes pass a larger one). Past it the answer is 413, before
 * parsing anything. Works under functions-framework (which has read the bytes into `rawBody`)
 * and on a plain Node server (the body still unread).
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { ValidationError } from '../../errors/errors.ts';
import { requestBody } from '../http-json.ts';

/** The largest JSON body accepted. */
export const maxJsonBodyBytes = 64 * 1024;

/**
 * Reads and parses a JSON body.
 * @param req - the request
 * @param maxBytes - the limit
 * @returns the parsed value, still unvalidated
 * @throws {ValidationError} 415 when not JSON, 413 past the limit, 400 when empty or broken
 * @example const body = await readJsonBody(req)
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes: number = maxJsonBodyBytes,
): Promise<unknown> {
  const type = mediaType(req);
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    req.resume();
    throw new ValidationError(`send the body as application/json, not "${type}"`, 415);
  }
  const text = await readBodyText(req, maxBytes);
  if (text.trim() === '') throw new ValidationError('the request body is empty', 400);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError('the request body is not valid JSON', 400);
  }
}

/**
 * A parsed body checked against its schema (the routes that answer 400; the experiment routes
 * answer 422 with every issue, `parseBody` of experiment-api-schemas.ts).
 * @param schema - the shape
 * @param raw - the parsed JSON, still unvalidated
 * @returns the value
 * @throws {ValidationError} 400 naming the first field at fault (`body` for the whole)
 * @example const request = checkedBody(webhookRequestSchema, await readJsonBody(req))
 */
export function checkedBody<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      400,
    );
  }
  return parsed.data;
}

/**
 * The media type of a request's body, lower case, without parameters.
 * @param req - the request
 * @returns e.g. `application/json`, or '' when none is declared
 * @example mediaType(req) // 'application/yaml'
 */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Reads a body whole as UTF-8 text, up to a limit.
 * @param req - the request
 * @param maxBytes - the limit
 * @returns the text
 * @throws {ValidationError} 413 past the limit
 * @example const yaml = await readBodyText(req, 1024 * 1024)
 */
export async function readBodyText(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of requestBody(req)) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    bytes += buffer.length;
    if (bytes > maxBytes) {
      req.resume();
      throw tooLarge(maxBytes);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(maxBytes: number): ValidationError {
  return new ValidationError(`the request body is larger than the limit of ${maxBytes} bytes`, 413);
}
