/**
 * Who may call the results API. With `ABTEST_AUTH=token` (the default) a request carries
 * `Authorization: Bearer <token>`: `ABTEST_API_TOKEN` may read and write,
 * `ABTEST_API_READ_TOKEN` (optional, for dashboards) only read. Tokens are compared as SHA-256
 * digests with `crypto.timingSafeEqual`, so the time taken says nothing about how much of a
 * token matched. With `ABTEST_AUTH=iam`, Cloud Run IAM admits callers before the function runs
 * and no token is checked.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/load-config.ts';

/** What a route needs: nothing, a token that may read, or the token that may write. */
export type Access = 'public' | 'read' | 'write';

/** The verdict on a request's credentials. */
export type AuthVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly status: 401 | 403 | 503;
      readonly message: string;
      readonly headers: Readonly<Record<string, string>>;
    };

const realm = 'Bearer realm="abtest"';

/**
 * Decides whether a request may use a route.
 * @param config - the settings (auth mode and tokens)
 * @param authorization - the request's `Authorization` header
 * @param access - what the route needs
 * @returns allowed, or the status, message and `WWW-Authenticate` header of the refusal
 * @example authorize(config, 'Bearer s3cret-token-of-16+', 'read').allowed
 */
export function authorize(
  config: Pick<Config, 'auth' | 'apiToken' | 'apiReadToken'>,
  authorization: string | undefined,
  access: Access,
): AuthVerdict {
  if (access === 'public' || config.auth === 'iam') return { allowed: true };
  if (config.apiToken === undefined && config.apiReadToken === undefined) {
    return {
      allowed: false,
      status: 503,
      message:
        'the results API has no token configured: set ABTEST_API_TOKEN, or ABTEST_AUTH=iam behind Cloud Run IAM',
      headers: {},
    };
  }
  const presented = /^Bearer +([\x21-\x7e]+) *$/i.exec(authorization ?? '')?.[1];
  if (presented === undefined) {
    return {
      allowed: false,
      status: 401,
      message: 'missing bearer token: send Authorization: Bearer <token>',
      headers: { 'www-authenticate': realm },
    };
  }
  const digest = sha256(presented);
  const full = matches(digest, config.apiToken);
  const readOnly = matches(digest, config.apiReadToken);
  if (full || (readOnly && access === 'read')) return { allowed: true };
  if (readOnly) {
    return {
      allowed: false,
      status: 403,
      message: 'this token may only read',
      headers: { 'www-authenticate': `${realm}, error="insufficient_scope", scope="write"` },
    };
  }
  return {
    allowed: false,
    status: 401,
    message: 'invalid bearer token',
    headers: { 'www-authenticate': `${realm}, error="invalid_token"` },
  };
}

function matches(digest: Buffer, token: string | undefined): boolean {
  return token !== undefined && timingSafeEqual(digest, sha256(token));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
