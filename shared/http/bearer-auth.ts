/**
 * Who may call the results API. With `ABTEST_AUTH=token` (the default) a request carries
 * `Authorization: Bearer <token>`: `ABTEST_API_TOKEN` (named `api`) and every named token of
 * `ABTEST_API_TOKENS` (`name:token` pairs) may read and write, `ABTEST_API_READ_TOKEN` (named
 * `read`; optional, for dashboards) only read. The verdict names the token, for the audit log
 * and for rate limiting. Tokens are compared as SHA-256
 * digests with `crypto.timingSafeEqual`, so the time taken says nothing about how much of a
 * token matched. With `ABTEST_AUTH=iam`, Cloud Run IAM admits callers before the function runs
 * and no token is checked.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { singleTokenNames, type Config } from '../config/load-config.ts';

/** What a route needs: nothing, a token that may read, or the token that may write. */
export type Access = 'public' | 'read' | 'write';

/** The verdict on a request's credentials. */
export type AuthVerdict =
  | {
      readonly allowed: true;
      /** The token's name, or null for a public route; under IAM, `iam`. */
      readonly tokenName: string | null;
      /** Whether the caller may write (a read-only token may not). */
      readonly canWrite: boolean;
    }
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
  config: Pick<Config, 'auth' | 'apiToken' | 'apiReadToken' | 'apiTokens'>,
  authorization: string | undefined,
  access: Access,
): AuthVerdict {
  if (config.auth === 'iam') return { allowed: true, tokenName: 'iam', canWrite: true };
  if (access === 'public') return { allowed: true, tokenName: null, canWrite: false };
  if (
    config.apiToken === undefined &&
    config.apiReadToken === undefined &&
    config.apiTokens.length === 0
  ) {
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
  // Every token is compared, whichever matches, so the time taken does not say which did.
  const full = [
    { name: singleTokenNames.full, token: config.apiToken },
    ...config.apiTokens,
  ].filter((candidate) => matches(digest, candidate.token));
  const readOnly = matches(digest, config.apiReadToken);
  const fullName = full[0]?.name;
  if (fullName !== undefined) return { allowed: true, tokenName: fullName, canWrite: true };
  if (readOnly && access === 'read') {
    return { allowed: true, tokenName: singleTokenNames.readOnly, canWrite: false };
  }
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
