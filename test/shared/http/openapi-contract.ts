/**
 * Holds every response a test receives to the OpenAPI document: its path and method must be
 * documented (else it must be the router's 404 or 405), its status documented for that
 * operation, a JSON body must validate (ajv, JSON Schema 2020-12 with formats) against the
 * documented schema, and any other body must carry the documented media type.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';
import { openApiDocument } from '../../../shared/http/results/openapi.ts';
import { compilePath } from '../../../shared/http/route.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const document = openApiDocument();
const documentId = 'urn:abtest:openapi';
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...document, $id: documentId });

const templates = Object.keys(document.paths).map((path) => ({ path, ...compilePath(path) }));

/** A response read whole and checked against the document. */
export interface CheckedResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or the text of any other body. */
  readonly body: T;
  readonly bytes: Buffer;
}

/**
 * Reads a response and checks it against the document.
 * @param response - what fetch returned (with `redirect: 'manual'`)
 * @param method - the request's method
 * @returns the status, headers and body
 */
export async function checkResponse<T = unknown>(
  response: Response,
  method: string,
): Promise<CheckedResponse<T>> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const path = new URL(response.url).pathname.replace(/(.)\/$/, '$1');
  const contentType = response.headers.get('content-type') ?? '';
  const text = bytes.toString('utf8');
  const template = templates.find((entry) => entry.pattern.test(path));
  const operation = template && document.paths[template.path]?.[method.toLowerCase()];
  if (template === undefined || operation === undefined) {
    expect(response.status, `${method} ${path} is not documented`).toBe(
      template === undefined ? 404 : 405,
    );
    expectValid('#/components/schemas/Error', JSON.parse(text), `${method} ${path}`);
    return { status: response.status, headers: response.headers, body: JSON.parse(text), bytes };
  }
  const status = String(response.status);
  const documented = (operation.responses as Record<string, { content?: Record<string, unknown> }>)[
    status
  ];
  expect(documented, `${method} ${template.path} answered an undocumented ${status}`).toBeDefined();
  const media = Object.keys(documented?.content ?? {});
  if (media.length === 0) {
    expect(bytes.length, `${status} should have no body`).toBe(0);
    return { status: response.status, headers: response.headers, body: text as T, bytes };
  }
  if (media.includes('application/json')) {
    expect(contentType).toMatch(/^application\/json/);
    const body = JSON.parse(text) as T;
    const pointer = `#/paths/${escapePointer(template.path)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    expectValid(pointer, body, `${method} ${template.path} ${status}`);
    return { status: response.status, headers: response.headers, body, bytes };
  }
  expect(
    media.some((type) => contentType.startsWith(type)),
    `${contentType} is not one of ${media.join(', ')}`,
  ).toBe(true);
  return { status: response.status, headers: response.headers, body: text as T, bytes };
}

function expectValid(pointer: string, body: unknown, label: string): void {
  const validate = ajv.getSchema(`${documentId}${pointer}`);
  if (validate === undefined) throw new Error(`no schema at ${pointer}`);
  const valid = validate(body);
  expect(
    valid,
    `${label}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
  ).toBe(true);
}

function escapePointer(path: string): string {
  return path.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A client of the results API whose every answer is checked against the document. */
export type ApiClient = <T = unknown>(
  path: string,
  init?: {
    method?: string;
    body?: unknown;
    token?: string | null;
    headers?: Record<string, string>;
  },
) => Promise<CheckedResponse<T>>;

/**
 * A client for a running results server.
 * @param base - e.g. `http://127.0.0.1:8080`
 * @param token - the bearer token sent unless a call says otherwise (`token: null` sends none)
 * @returns the client
 */
export function apiClient(base: string, token: string): ApiClient {
  return async (path, init = {}) => {
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { ...init.headers };
    const bearer = init.token === undefined ? token : init.token;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
    return checkResponse(response, method);
  };
}
