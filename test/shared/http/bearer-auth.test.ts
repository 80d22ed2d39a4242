/**
 * Who may call the results API: the full token and the named tokens read and write, the read
 * token only reads, anything else is a 401 with `WWW-Authenticate: Bearer`; IAM mode checks
 * nothing; a server without any token refuses (503) rather than opening up. The verdict names
 * the token.
 */
import { describe, expect, it } from 'vitest';
import { authorize } from '../../../shared/http/bearer-auth.ts';

const full = 'full-token-0123456789abcdef';
const read = 'read-token-0123456789abcdef';
const named = [
  { name: 'ci', token: 'ci-token-0123456789abcdef' },
  { name: 'checkout-team', token: 'team-token-0123456789abcdef' },
];
const config = { auth: 'token', apiToken: full, apiReadToken: read, apiTokens: named } as const;

describe('authorize', () => {
  it.each([
    ['the full token reading', `Bearer ${full}`, 'read', true],
    ['the full token writing', `Bearer ${full}`, 'write', true],
    ['the scheme in any case', `bearer ${full}`, 'write', true],
    ['the read token reading', `Bearer ${read}`, 'read', true],
    ['no header on a public route', undefined, 'public', true],
  ] as const)('allows %s', (_case, header, access, allowed) => {
    expect(authorize(config, header, access).allowed).toBe(allowed);
  });

  it.each([
    ['no header', undefined, 'read', 401, 'Bearer realm="abtest"'],
    ['another scheme', `Basic ${full}`, 'read', 401, 'Bearer realm="abtest"'],
    [
      'a wrong token',
      'Bearer wrong-token-0123456789',
      'read',
      401,
      'Bearer realm="abtest", error="invalid_token"',
    ],
    [
      'a prefix of the token',
      `Bearer ${full.slice(0, -1)}`,
      'read',
      401,
      'Bearer realm="abtest", error="invalid_token"',
    ],
    [
      'the read token writing',
      `Bearer ${read}`,
      'write',
      403,
      'Bearer realm="abtest", error="insufficient_scope", scope="write"',
    ],
  ] as const)('refuses %s', (_case, header, access, status, challenge) => {
    const verdict = authorize(config, header, access);
    expect(verdict).toMatchObject({ allowed: false, status });
    if (!verdict.allowed) expect(verdict.headers['www-authenticate']).toBe(challenge);
  });

  it.each([
    [`Bearer ${full}`, 'write', 'api', true],
    [`Bearer ${read}`, 'read', 'read', false],
    ['Bearer ci-token-0123456789abcdef', 'write', 'ci', true],
    ['Bearer team-token-0123456789abcdef', 'read', 'checkout-team', true],
  ] as const)('names the token of %s', (header, access, tokenName, canWrite) => {
    expect(authorize(config, header, access)).toEqual({ allowed: true, tokenName, canWrite });
  });

  it('lets named tokens in with no single token set', () => {
    const verdict = authorize(
      { auth: 'token', apiToken: undefined, apiReadToken: undefined, apiTokens: named },
      'Bearer ci-token-0123456789abcdef',
      'write',
    );
    expect(verdict).toEqual({ allowed: true, tokenName: 'ci', canWrite: true });
  });

  it('checks no token under IAM', () => {
    expect(authorize({ ...config, auth: 'iam' }, undefined, 'write').allowed).toBe(true);
  });

  it('answers 503 when no token is configured, instead of letting anyone in', () => {
    const verdict = authorize(
      { auth: 'token', apiToken: undefined, apiReadToken: undefined, apiTokens: [] },
      `Bearer ${full}`,
      'read',
    );
    expect(verdict).toMatchObject({ allowed: false, status: 503 });
  });
});
