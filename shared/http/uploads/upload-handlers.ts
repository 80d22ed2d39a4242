/**
 * Direct uploads, for files bigger than a request to the API can hold. `POST /v1/uploads
 * {filename, content_type}` answers `{upload_url, object, expires_at}`: on Cloud Storage a V4
 * signed URL for a PUT into the raw bucket's `uploads/` (the bucket's finalize trigger starts
 * the chain); elsewhere (`abtest serve`) a one-time URL on this server, `PUT
 * /v1/uploads/{ticket}`, that writes the bytes into the watched `uploads/` folder. That URL is
 * the credential: it takes no token, works once, and answers 201 once the file is stored.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../../errors/errors.ts';
import { formatFromFileName } from '../../events/source-format.ts';
import { uploadsPrefix } from '../../store/storage-layout.ts';
import {
  claimUploadTicket,
  issueUploadTicket,
  releaseUploadTicket,
} from '../../store/upload-tickets.ts';
import { requestBody, sendJson } from '../http-json.ts';
import { receiveBody } from '../receive-body.ts';
import { checkedBody, readJsonBody } from '../results/json-body.ts';
import type { RouteContext } from '../route.ts';

/** The body of `POST /v1/uploads`. */
export const uploadRequestSchema = z
  .object({
    filename: z.string().min(1).max(200),
    content_type: z
      .string()
      .regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i, 'content_type must be a media type')
      .max(200),
  })
  .strict();

/** The answer of `POST /v1/uploads`. */
export const uploadUrlSchema = z.object({
  upload_url: z.string(),
  object: z.string(),
  expires_at: z.string(),
});

/**
 * The raw-bucket key a direct upload is stored under: `uploads/<24 hex>/<name>`, the name's
 * characters other than letters, digits, `.`, `_` and `-` replaced by `_`.
 * @param filename - the name the client gave
 * @param id - 24 hex characters that keep uploads of the same name apart
 * @returns the key
 * @throws {ValidationError} (415) when the name's extension is not a format abtest reads
 * @example directUploadObject('day 1.csv', 'ab'.repeat(12)) // 'uploads/abab…ab/day_1.csv'
 */
export function directUploadObject(filename: string, id: string): string {
  const base = (filename.split(/[\\/]/).pop() ?? '').replace(/[^A-Za-z0-9._-]/g, '_');
  const name = base.replace(/^\.+/, '_');
  if (formatFromFileName(name) === undefined) {
    throw new ValidationError(
      `${filename}: unknown format (name it .csv, .ndjson, .jsonl, .json or .parquet)`,
      415,
    );
  }
  return `${uploadsPrefix}${id}/${name}`;
}

/**
 * `POST /v1/uploads`.
 * @param context - the request
 * @example await createUploadUrl(context)
 */
export async function createUploadUrl(context: RouteContext): Promise<void> {
  const request = checkedBody(uploadRequestSchema, await readJsonBody(context.req));
  const { deps } = context;
  const object = directUploadObject(request.filename, randomBytes(12).toString('hex'));
  const ttl = deps.config.uploadUrlTtlSeconds;
  const expiresAt = new Date(Date.now() + ttl * 1000);
  const contentType = request.content_type.toLowerCase();
  const signed = await deps.blobs.signedUploadUrl(
    deps.config.buckets.raw,
    object,
    contentType,
    ttl,
  );
  const uploadUrl =
    signed ??
    `/v1/uploads/${await issueUploadTicket(deps.db, { object, content_type: contentType }, expiresAt)}`;
  context.logger.info('upload url issued', { object, signed: signed !== null });
  sendJson(
    context.res,
    201,
    { upload_url: uploadUrl, object, expires_at: expiresAt.toISOString() },
    { 'cache-control': 'no-store' },
  );
}

/**
 * `PUT /v1/uploads/{ticket}`: stores the body as the ticket's object, once.
 * @param context - the request
 * @example await putDirectUpload(context)
 */
export async function putDirectUpload(context: RouteContext): Promise<void> {
  const { deps, req } = context;
  const secret = context.params.ticket ?? '';
  const ticket = /^[A-Za-z0-9_-]{43}$/.test(secret)
    ? await claimUploadTicket(deps.db, secret)
    : undefined;
  if (ticket === undefined) {
    req.resume();
    throw new ValidationError('this upload URL is unknown, used or expired', 404);
  }
  let stored = false;
  try {
    const name = ticket.object.split('/').pop() ?? 'upload';
    const body = await receiveBody(requestBody(req), deps.config.directUploadMaxBytes, name, 0);
    try {
      const bucket = deps.config.buckets.raw;
      const options = { contentType: ticket.content_type, ifAbsent: true };
      stored =
        typeof body.content === 'string'
          ? await deps.blobs.upload(body.content, bucket, ticket.object, options)
          : await deps.blobs.write(bucket, ticket.object, body.content, options);
      if (!stored) throw new ValidationError(`${ticket.object} exists already`, 409);
      context.logger.info('direct upload stored', { object: ticket.object, bytes: body.bytes });
      sendJson(context.res, 201, { object: ticket.object, bytes: body.bytes, sha256: body.sha256 });
    } finally {
      await body.discard();
    }
  } finally {
    if (!stored) await releaseUploadTicket(deps.db, secret);
  }
}
