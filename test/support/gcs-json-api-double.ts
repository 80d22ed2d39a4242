/**
 * A test double of the Cloud Storage JSON API, not an emulator: a small in-memory HTTP server
 * answering the few requests `@google-cloud/storage` makes for the BlobStore adapter, so that
 * adapter can be tested offline (no Cloud Storage emulator runs here). It implements:
 *
 * - `POST /upload/storage/v1/b/{bucket}/o?uploadType=multipart|media` with `ifGenerationMatch`
 *   (412 when the precondition fails, so `ifGenerationMatch=0` refuses an existing object);
 * - `GET /storage/v1/b/{bucket}/o/{object}` (metadata) and `?alt=media` (content, with the
 *   `x-goog-hash` header the client validates downloads against);
 * - `GET /storage/v1/b/{bucket}/o?prefix=` (listing, lexicographic, paginated with
 *   `pageToken`/`maxResults`);
 * - `DELETE /storage/v1/b/{bucket}/o/{object}`;
 * - `GET /{bucket}/{object}?X-Goog-Signature=...`: a V4 signed URL, whose signature is checked
 *   against the public key the double is given; `PUT` to a V4 URL signed for a write (with its
 *   `content-type` among the signed headers) stores the body as the object
 *   (https://cloud.google.com/storage/docs/authentication/signatures).
 *
 * Buckets exist implicitly. Anything else answers 501 and is recorded in `unsupported`, so a test
 * sees when the adapter starts relying on more of the API. Shapes follow
 * https://cloud.google.com/storage/docs/json_api/v1/objects.
 */
import { createHash, createVerify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One stored object. */
interface StoredObject {
  readonly bucket: string;
  readonly name: string;
  readonly data: Buffer;
  readonly contentType: string;
  readonly generation: number;
  readonly updated: string;
}

/** Settings of the double. */
export interface GcsJsonApiDoubleOptions {
  /** Objects per listing page when the client asks for no `maxResults` (GCS: 1000). */
  readonly pageSize?: number;
  /** The public half of the key signed URLs must be signed with; without it they answer 403. */
  readonly signingKey?: KeyObject;
}

/** The running double. */
export interface GcsJsonApiDouble {
  /** `http://127.0.0.1:<port>`, for `new Storage({ apiEndpoint })`. */
  readonly endpoint: string;
  /** The requests it could not answer (method and path), empty while the adapter stays in scope. */
  readonly unsupported: readonly string[];
  /** Every request received, as `METHOD /path?query`. */
  readonly requests: readonly string[];
  /** The stored object, for assertions; undefined when absent. */
  object(bucket: string, name: string): { data: Buffer; contentType: string } | undefined;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/**
 * Starts the double on a free port of 127.0.0.1.
 * @param options - page size and signing key
 * @returns the running double
 * @example const gcs = await startGcsJsonApiDouble(); new Storage({ apiEndpoint: gcs.endpoint })
 */
export async function startGcsJsonApiDouble(
  options: GcsJsonApiDoubleOptions = {},
): Promise<GcsJsonApiDouble> {
  const objects = new Map<string, StoredObject>();
  const unsupported: string[] = [];
  const requests: string[] = [];
  let generation = 1_700_000_000_000_000;
  const keyOf = (bucket: string, name: string) => `${bucket}\u0000${name}`;

  const resource = (object: StoredObject) => ({
    kind: 'storage#object',
    id: `${object.bucket}/${object.name}/${object.generation}`,
    name: object.name,
    bucket: object.bucket,
    generation: String(object.generation),
    metageneration: '1',
    contentType: object.contentType,
    size: String(object.data.length),
    md5Hash: createHash('md5').update(object.data).digest('base64'),
    crc32c: crc32cBase64(object.data),
    timeCreated: object.updated,
    updated: object.updated,
  });

  const upload = async (request: IncomingMessage, url: URL, bucket: string) => {
    const body = await readBody(request);
    const uploadType = url.searchParams.get('uploadType');
    let metadata: { name?: string; contentType?: string } = {};
    let media: Buffer;
    let mediaType: string | undefined;
    if (uploadType === 'multipart') {
      const parts = multipartParts(body, request.headers['content-type'] ?? '');
      const [first, second] = parts;
      if (first === undefined || second === undefined) {
        throw new HttpError(400, 'multipart upload needs a metadata and a media part', 'invalid');
      }
      metadata = JSON.parse(first.body.toString('utf8')) as typeof metadata;
      media = second.body;
      mediaType = second.headers['content-type'];
    } else if (uploadType === 'media') {
      media = body;
      mediaType = request.headers['content-type'];
    } else {
      throw new HttpError(501, `uploadType=${uploadType} not supported by the double`, 'notImpl');
    }
    const name = url.searchParams.get('name') ?? metadata.name;
    if (name === undefined || name === '')
      throw new HttpError(400, 'object name missing', 'required');
    const existing = objects.get(keyOf(bucket, name));
    const ifGenerationMatch = url.searchParams.get('ifGenerationMatch');
    if (ifGenerationMatch !== null && Number(ifGenerationMatch) !== (existing?.generation ?? 0)) {
      throw new HttpError(
        412,
        'At least one of the pre-conditions you specified did not hold.',
        'conditionNotMet',
      );
    }
    generation += 1;
    const stored: StoredObject = {
      bucket,
      name,
      data: media,
      contentType: metadata.contentType ?? mediaType ?? 'application/octet-stream',
      generation,
      updated: new Date().toISOString(),
    };
    objects.set(keyOf(bucket, name), stored);
    return resource(stored);
  };

  const find = (bucket: string, name: string) => {
    const object = objects.get(keyOf(bucket, name));
    if (object === undefined) {
      throw new HttpError(404, `No such object: ${bucket}/${name}`, 'notFound');
    }
    return object;
  };

  const sendMedia = (response: ServerResponse, object: StoredObject) => {
    const hashes = resource(object);
    response.writeHead(200, {
      'content-type': object.contentType,
      'content-length': object.data.length,
      'x-goog-generation': String(object.generation),
      'x-goog-hash': `crc32c=${hashes.crc32c},md5=${hashes.md5Hash}`,
      'x-goog-stored-content-encoding': 'identity',
    });
    response.end(object.data);
  };

  const list = (url: URL, bucket: string) => {
    for (const parameter of ['delimiter', 'startOffset', 'endOffset', 'matchGlob']) {
      if (url.searchParams.has(parameter)) {
        throw new HttpError(501, `list ${parameter} not supported by the double`, 'notImpl');
      }
    }
    const prefix = url.searchParams.get('prefix') ?? '';
    const pageSize = Number(url.searchParams.get('maxResults') ?? options.pageSize ?? 1000);
    const start = Number(url.searchParams.get('pageToken') ?? 0);
    const names = [...objects.values()]
      .filter((object) => object.bucket === bucket && object.name.startsWith(prefix))
      .sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    const page = names.slice(start, start + pageSize);
    return {
      kind: 'storage#objects',
      items: page.map(resource),
      ...(start + pageSize < names.length ? { nextPageToken: String(start + pageSize) } : {}),
    };
  };

  const signedDownload = (request: IncomingMessage, url: URL, response: ServerResponse) => {
    const [, bucket = '', ...rest] = url.pathname.split('/');
    if (options.signingKey === undefined || !verifyV4Signature(request, url, options.signingKey)) {
      throw new HttpError(403, 'SignatureDoesNotMatch', 'forbidden');
    }
    const issued = parseGoogDate(url.searchParams.get('X-Goog-Date') ?? '');
    const expires = Number(url.searchParams.get('X-Goog-Expires'));
    if (!(issued + expires * 1000 > Date.now()))
      throw new HttpError(400, 'ExpiredToken', 'expired');
    sendMedia(response, find(decodeURIComponent(bucket), rest.map(decodeURIComponent).join('/')));
  };

  const signedUpload = async (request: IncomingMessage, url: URL, response: ServerResponse) => {
    const [, bucket = '', ...rest] = url.pathname.split('/');
    if (options.signingKey === undefined || !verifyV4Signature(request, url, options.signingKey)) {
      throw new HttpError(403, 'SignatureDoesNotMatch', 'forbidden');
    }
    const issued = parseGoogDate(url.searchParams.get('X-Goog-Date') ?? '');
    const expires = Number(url.searchParams.get('X-Goog-Expires'));
    if (!(issued + expires * 1000 > Date.now()))
      throw new HttpError(400, 'ExpiredToken', 'expired');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const name = rest.map(decodeURIComponent).join('/');
    const key = keyOf(decodeURIComponent(bucket), name);
    objects.set(key, {
      bucket: decodeURIComponent(bucket),
      name,
      data: Buffer.concat(chunks),
      contentType: request.headers['content-type'] ?? 'application/octet-stream',
      generation: (generation += 1),
      updated: new Date().toISOString(),
    });
    response.writeHead(200).end();
  };

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://double');
    const method = request.method ?? 'GET';
    requests.push(`${method} ${url.pathname}${url.search}`);
    const uploadPath = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    const one = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
    const all = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (method === 'POST' && uploadPath !== null) {
      return sendJson(
        response,
        200,
        await upload(request, url, decodeURIComponent(uploadPath[1]!)),
      );
    }
    if (one !== null) {
      const bucket = decodeURIComponent(one[1]!);
      const name = decodeURIComponent(one[2]!);
      if (method === 'GET' && url.searchParams.get('alt') === 'media') {
        return sendMedia(response, find(bucket, name));
      }
      if (method === 'GET') return sendJson(response, 200, resource(find(bucket, name)));
      if (method === 'DELETE') {
        find(bucket, name);
        objects.delete(keyOf(bucket, name));
        response.writeHead(204).end();
        return undefined;
      }
    }
    if (method === 'GET' && all !== null) {
      return sendJson(response, 200, list(url, decodeURIComponent(all[1]!)));
    }
    if (method === 'GET' && url.searchParams.has('X-Goog-Signature')) {
      return signedDownload(request, url, response);
    }
    if (method === 'PUT' && url.searchParams.has('X-Goog-Signature')) {
      return signedUpload(request, url, response);
    }
    unsupported.push(`${method} ${url.pathname}`);
    throw new HttpError(501, `${method} ${url.pathname} not supported by the double`, 'notImpl');
  };

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      const reason = error instanceof HttpError ? error.reason : 'backendError';
      sendJson(response, status, {
        error: { code: status, message, errors: [{ message, reason }] },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    unsupported,
    requests,
    object(bucket, name) {
      const object = objects.get(keyOf(bucket, name));
      return object === undefined
        ? undefined
        : { data: object.data, contentType: object.contentType };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): undefined {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Splits a `multipart/related` body into its parts (headers lower-cased). */
function multipartParts(
  body: Buffer,
  contentType: string,
): { headers: Record<string, string>; body: Buffer }[] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (boundary === undefined) throw new HttpError(400, 'multipart boundary missing', 'invalid');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { headers: Record<string, string>; body: Buffer }[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const part = body.subarray(start + 2, next - 2); // drop the CRLF after and before delimiters
    const split = part.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of part.subarray(0, split).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0)
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: part.subarray(split + 4) });
    at = next;
  }
  return parts;
}

/** `20261126T120000Z` as epoch milliseconds. */
function parseGoogDate(text: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d, h, mi, s);
}

/** RFC 3986 encoding, as the V4 canonical query string requires. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Rebuilds the V4 string-to-sign of a signed GET or PUT and checks the RSA-SHA256 signature. */
function verifyV4Signature(request: IncomingMessage, url: URL, key: KeyObject): boolean {
  const signature = url.searchParams.get('X-Goog-Signature') ?? '';
  if (url.searchParams.get('X-Goog-Algorithm') !== 'GOOG4-RSA-SHA256') return false;
  const signedHeaders = (url.searchParams.get('X-Goog-SignedHeaders') ?? '').split(';');
  const host = (request.headers.host ?? '').replace(/:\d+$/, '');
  const headerValues: Record<string, string> = {
    host,
    'content-type': request.headers['content-type'] ?? '',
  };
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${headerValues[name] ?? ''}\n`);
  const query = [...url.searchParams.entries()]
    .filter(([name]) => name !== 'X-Goog-Signature')
    .map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`)
    .sort()
    .join('&');
  const canonicalRequest = [
    request.method ?? 'GET',
    url.pathname,
    query,
    canonicalHeaders.join(''),
    signedHeaders.join(';'),
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const credential = url.searchParams.get('X-Goog-Credential') ?? '';
  const scope = credential.split('/').slice(1).join('/');
  const stringToSign = [
    'GOOG4-RSA-SHA256',
    url.searchParams.get('X-Goog-Date') ?? '',
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  return createVerify('RSA-SHA256').update(stringToSign).verify(key, signature, 'hex');
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC32C (Castagnoli) of the data, big-endian and base64, as GCS reports `crc32c`. */
function crc32cBase64(data: Buffer): string {
  let crc = 0xffffffff;
  for (const byte of data) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}
