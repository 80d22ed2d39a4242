/**
 * The dashboard's only way to the data: `fetch` to the API on the same origin with the bearer
 * token the user pasted, kept in `sessionStorage` (this tab only, gone when it closes). A
 * refusal becomes an `ApiError` carrying the status and the API's own message, and
 * `describeApiError` says what to do about it.
 */

const tokenKey = 'abtest.token';

/**
 * The token of this tab, or null.
 * @returns {string | null} the token
 */
export function readToken() {
  try {
    return sessionStorage.getItem(tokenKey);
  } catch {
    return null;
  }
}

/**
 * Keeps a token for this tab; an empty one forgets it.
 * @param {string} token - the token
 */
export function saveToken(token) {
  const trimmed = token.trim();
  if (trimmed === '') sessionStorage.removeItem(tokenKey);
  else sessionStorage.setItem(tokenKey, trimmed);
}

/** An answer of the API that is not a success. */
export class ApiError extends Error {
  /**
   * @param {number} status - the HTTP status (0: the API could not be reached)
   * @param {string} message - the API's `error`, or what went wrong
   * @param {unknown} body - the parsed body, when it was JSON
   */
  constructor(status, message, body = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/**
 * Sends a request with the token. Throws on anything but a 2xx.
 * @param {string} path - e.g. `/v1/experiments`
 * @param {{ method?: string, json?: unknown, body?: BodyInit, contentType?: string,
 *   accept?: string, redirect?: RequestRedirect, signal?: AbortSignal }} init - `json` is sent as
 *   the body; `contentType` labels another body
 * @returns {Promise<Response>} the answer
 * @throws {ApiError} on a refusal, an error status or a network failure
 */
export async function apiRequest(path, init = {}) {
  const headers = { accept: init.accept ?? 'application/json' };
  const token = readToken();
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body = init.body;
  if (init.contentType !== undefined) headers['content-type'] = init.contentType;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  let response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      body,
      signal: init.signal,
      redirect: init.redirect ?? 'follow',
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError(0, `could not reach the API (${error.message})`);
  }
  if (response.ok) return response;
  if (response.type === 'opaqueredirect') {
    throw new ApiError(302, 'the API answered with a redirect to elsewhere');
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const message =
    typeof parsed?.error === 'string' ? parsed.error : `${response.status} ${response.statusText}`;
  throw new ApiError(response.status, message, parsed);
}

/**
 * Sends a request and parses the JSON answer.
 * @param {string} path - the path
 * @param {Parameters<typeof apiRequest>[1]} init - as for `apiRequest`
 * @returns {Promise<any>} the body
 */
export async function apiJson(path, init = {}) {
  const response = await apiRequest(path, init);
  return response.json();
}

/**
 * What a failed request means for the reader, and what to do.
 * @param {unknown} error - what `apiRequest` threw
 * @returns {string} one or two sentences
 */
export function describeApiError(error) {
  if (!(error instanceof ApiError)) return `Something went wrong: ${String(error)}`;
  switch (error.status) {
    case 401:
      return readToken() === null
        ? 'The API needs a token (401). Paste it in the token field at the top of the page.'
        : `The API refused this token (401: ${error.message}). Check it and paste it again at the top of the page.`;
    case 403:
      return `This token may only read (403: ${error.message}). Re-running and uploading need the full token, ABTEST_API_TOKEN.`;
    case 503:
      return `The API is not ready to serve (503: ${error.message}).`;
    case 0:
      return `The API could not be reached: ${error.message}.`;
    default:
      return `The API answered ${error.status}: ${error.message}.`;
  }
}

/**
 * Whether an error is the API refusing the token (so the token field deserves attention).
 * @param {unknown} error - what `apiRequest` threw
 * @returns {boolean} true for a 401
 */
export function isTokenRefused(error) {
  return error instanceof ApiError && error.status === 401;
}

/**
 * The path segment of an id.
 * @param {string} id - an experiment or job id
 * @returns {string} the encoded segment
 */
export function segment(id) {
  return encodeURIComponent(id);
}
