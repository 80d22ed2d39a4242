/**
 * `POST /v1/ingest/events`: an events file as the body (CSV, NDJSON, JSON array or Parquet by
 * Content-Type) or as the `file` part of `multipart/form-data` (`curl -F file=@events.csv`).
 * A body of up to 8 MiB is held in memory, a larger one streamed to a temporary file; past the
 * configured size it is a 413.
 * A unit-level table is named by the `X-Abtest-Unit-Table` header (or the `unit_table` form
 * field) and its experiment (`X-Abtest-Experiment`, the `experiment` field, or the file's name),
 * or by the experiment's definition (see unit-table-reading.ts).
 * Answers 202 for a new batch, 200 for a repeat (same content or same Idempotency-Key), 4xx
 * with the file error for a file rejected whole, 415 for a type abtest does not read.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { ValidationError, isValidationError } from '../errors/errors.ts';
import type { SourceFormat } from '../events/events-contract.ts';
import {
  formatExtension,
  formatFromFileName,
  formatFromMediaType,
} from '../events/source-format.ts';
import { ingestUpload } from '../stages/ingest.ts';
import { unitTableReading } from '../stages/unit-table-reading.ts';
import type { StageDeps } from '../stages/stage-deps.ts';
import type { BatchRecord } from '../store/batch-records.ts';
import { requestBody, sendError, sendJson } from './http-json.ts';
import { receiveBody, type ReceivedBody } from './receive-body.ts';

const idempotencyKeyPattern = /^[\x21-\x7e]{1,200}$/;

/**
 * Handles an upload request.
 * @param deps - the ports
 * @param req - the request (its body unread, or read into `rawBody` by functions-framework)
 * @param res - the response
 * @example await handleIngestRequest(deps, req, res)
 */
export async function handleIngestRequest(
  stageDeps: StageDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const deps = { ...stageDeps, logger: stageDeps.logger.child({ request_id: requestId(req) }) };
  let key: string | undefined;
  try {
    key = idempotencyKeyOf(req);
  } catch (error) {
    if (!isValidationError(error)) throw error;
    req.resume();
    sendError(res, error.httpStatus, error.message);
    return;
  }
  const declared = Number(header(req, 'content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > deps.config.maxUploadBytes) {
    answerAndClose(
      req,
      res,
      413,
      `the upload is larger than the limit of ${deps.config.maxUploadBytes} bytes`,
    );
    return;
  }
  let received: ReceivedBody | undefined;
  try {
    const upload = await receiveUpload(req, deps.config.maxUploadBytes);
    received = upload.body;
    const unitTable = await unitTableReading(deps, {
      experimentId: upload.fields.experiment ?? header(req, 'x-abtest-experiment'),
      variantColumn: upload.fields.unit_table ?? header(req, 'x-abtest-unit-table'),
      names: upload.fileName === undefined ? [] : [upload.fileName],
    });
    const outcome = await ingestUpload(deps, {
      content: upload.body.content,
      source: upload.source,
      format: upload.format,
      contentHash: upload.body.sha256,
      byteSize: upload.body.bytes,
      ...(key === undefined ? {} : { idempotencyKey: key }),
      ...(unitTable === undefined ? {} : { options: unitTable }),
    });
    const body = batchResponse(outcome.batch);
    if (outcome.fileError !== undefined) {
      sendError(res, outcome.fileError.httpStatus, outcome.fileError.message, body);
    } else {
      sendJson(res, outcome.created ? 202 : 200, body, {
        location: `/v1/batches/${outcome.batch.batch_id}`,
      });
    }
  } catch (error) {
    if (!isValidationError(error)) throw error;
    answerAndClose(req, res, error.httpStatus, error.message);
  } finally {
    await received?.discard();
  }
}

/**
 * The request's `Idempotency-Key`, checked.
 * @param req - the request
 * @returns the key, or undefined when none is sent
 * @throws {ValidationError} (400) unless it is 1-200 visible ASCII characters
 * @example idempotencyKeyOf(req)
 */
export function idempotencyKeyOf(req: IncomingMessage): string | undefined {
  const key = header(req, 'idempotency-key');
  if (key !== undefined && !idempotencyKeyPattern.test(key)) {
    throw new ValidationError('Idempotency-Key must be 1-200 visible ASCII characters', 400);
  }
  return key;
}

/**
 * The response body for a batch: `{batch_id, status, accepted, rejected, duplicates, errors}`,
 * counts null until validation has run.
 * @param batch - the stored batch
 * @returns the JSON body
 * @example batchResponse(batch).status // 'received'
 */
export function batchResponse(batch: BatchRecord) {
  return {
    batch_id: batch.batch_id,
    status: batch.status,
    source: batch.source,
    accepted: batch.accepted,
    rejected: batch.rejected,
    duplicates: batch.duplicates,
    errors: batch.errors.map((error) => ({
      line: error.line,
      column: error.column,
      value: error.value,
      reason: error.reason,
    })),
  };
}

interface ReceivedUpload {
  readonly body: ReceivedBody;
  readonly format: SourceFormat;
  readonly source: string;
  /** The form's file name (multipart only). */
  readonly fileName?: string;
  /** The form fields naming a unit-level table's experiment and variant column. */
  readonly fields: { readonly experiment?: string; readonly unit_table?: string };
}

async function receiveUpload(req: IncomingMessage, maxBytes: number): Promise<ReceivedUpload> {
  const contentType = header(req, 'content-type') ?? '';
  if (contentType.toLowerCase().startsWith('multipart/form-data')) {
    return receiveMultipart(req, contentType, maxBytes);
  }
  const format = formatFromMediaType(contentType);
  if (format === undefined) {
    throw new ValidationError(
      `unsupported Content-Type "${contentType}": send text/csv, application/x-ndjson, application/json, application/vnd.apache.parquet or multipart/form-data`,
      415,
    );
  }
  const body = await receiveBody(requestBody(req), maxBytes, `upload.${formatExtension[format]}`);
  if (body.bytes === 0) {
    await body.discard();
    throw new ValidationError('the request body is empty', 400);
  }
  return { body, format, source: `upload.${formatExtension[format]}`, fields: {} };
}

/**
 * Reads the one file of a form. Parts without a file name, before or after it, are fields and
 * are read and ignored; a second part with a file name (or a file under another name) is a 400
 * naming it. Any failure settles at once and stops reading the request: the caller answers and
 * closes the connection, so a body past the limit never holds the socket.
 */
function receiveMultipart(
  req: IncomingMessage,
  contentType: string,
  maxBytes: number,
): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { ...req.headers, 'content-type': contentType } });
    } catch (error) {
      reject(
        new ValidationError(`malformed multipart/form-data: ${(error as Error).message}`, 400),
      );
      return;
    }
    const body = requestBody(req);
    let pending: Promise<ReceivedUpload> | undefined;
    let fileStream: Readable | undefined;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      body.unpipe(parser);
      parser.removeAllListeners('file');
      parser.on('error', () => undefined);
      // A file still arriving stops (receiveBody removes what it spilled); one received whole
      // is not wanted any more.
      fileStream?.destroy();
      void pending?.then((upload) => upload.body.discard()).catch(() => undefined);
      reject(error);
    };
    const fields: { experiment?: string; unit_table?: string } = {};
    parser.on('field', (name: string, value: string) => {
      if (name === 'experiment' || name === 'unit_table') fields[name] = value;
    });
    parser.on('file', (field: string, stream: Readable, info: busboy.FileInfo) => {
      const fileName = info.filename ?? 'upload';
      if (field !== 'file' || pending !== undefined) {
        stream.resume();
        fail(
          new ValidationError(
            `multipart/form-data: one file per upload, in the part named "file"; the part "${field}" holds another file, "${fileName}"`,
            400,
          ),
        );
        return;
      }
      const format = formatFromMediaType(info.mimeType) ?? formatFromFileName(fileName);
      if (format === undefined) {
        stream.resume();
        fail(
          new ValidationError(
            `unsupported file type "${info.mimeType}" for ${fileName}: send CSV, NDJSON, JSON or Parquet`,
            415,
          ),
        );
        return;
      }
      fileStream = stream;
      pending = receiveBody(stream, maxBytes, `upload.${formatExtension[format]}`).then((file) => ({
        body: file,
        format,
        source: fileName,
        fileName,
        fields,
      }));
      // Past the limit the answer goes out now, not when the rest of the body has arrived.
      pending.catch((error: unknown) => {
        stream.resume();
        fail(error);
      });
    });
    parser.on('error', (error: Error) =>
      fail(new ValidationError(`malformed multipart/form-data: ${error.message}`, 400)),
    );
    parser.on('close', () => {
      if (settled) return;
      if (pending === undefined) {
        fail(new ValidationError('multipart/form-data without a "file" part', 400));
        return;
      }
      settled = true;
      pending.then(resolve, reject);
    });
    body.pipe(parser);
  });
}

/**
 * Answers an error. When the body was not read to its end (past the limit, a refused part), the
 * rest is not read either: the answer says `Connection: close` and the socket is closed once it
 * is sent, so a client still sending cannot hold it.
 */
function answerAndClose(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
): void {
  if (req.complete || requestBody(req) !== req) {
    sendError(res, status, message);
    return;
  }
  req.unpipe();
  sendJson(res, status, { error: message }, { connection: 'close' });
}

/** The request's trace id (Cloud Run's `X-Cloud-Trace-Context`), or a new random id. */
function requestId(req: IncomingMessage): string {
  return header(req, 'x-cloud-trace-context')?.split('/')[0] ?? randomUUID();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
