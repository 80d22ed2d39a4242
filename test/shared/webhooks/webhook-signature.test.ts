/**
 * The webhook signature: `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, checked against a
 * vector computed with OpenSSL, and what a receiver's check refuses.
 */
import { describe, expect, it } from 'vitest';
import {
  signWebhookBody,
  verifyWebhookSignature,
} from '../../../shared/webhooks/webhook-signature.ts';

const secret = 'whsec_0123456789abcdef';
const body = '{"event":"report.ready","n":1}';
const t = 1767225600;
// printf '%s' '1767225600.{"event":"report.ready","n":1}' | openssl dgst -sha256 -hmac 'whsec_0123456789abcdef'
const opensslHex = 'd825c88a4ebcf41e554e6b6df72f2b41c9f0f79b381ab139887abe7eaa6fb94d';

describe('signWebhookBody', () => {
  it('matches an HMAC-SHA256 computed by OpenSSL over "<t>.<body>"', () => {
    expect(signWebhookBody(secret, body, t)).toBe(`t=${t},v1=${opensslHex}`);
    expect(signWebhookBody(secret, Buffer.from(body), t + 0.9)).toBe(`t=${t},v1=${opensslHex}`);
  });
});

describe('verifyWebhookSignature', () => {
  const header = `t=${t},v1=${opensslHex}`;

  it('accepts the signature within the tolerance, and a rotated secret beside it', () => {
    expect(verifyWebhookSignature(secret, header, body, 300, t + 299)).toBe(true);
    expect(verifyWebhookSignature(secret, header, Buffer.from(body), 300, t - 300)).toBe(true);
    const rotated = `t=${t},v1=${'0'.repeat(64)},v1=${opensslHex}`;
    expect(verifyWebhookSignature(secret, rotated, body, 300, t)).toBe(true);
  });

  it.each([
    ['a changed body', header, `${body} `, secret, t],
    ['another secret', header, body, 'whsec_other-secret-000', t],
    ['a stale timestamp', header, body, secret, t + 301],
    ['no header', undefined, body, secret, t],
    ['no timestamp', `v1=${opensslHex}`, body, secret, t],
    ['two timestamps', `t=${t},t=${t},v1=${opensslHex}`, body, secret, t],
    ['a shifted timestamp', `t=${t + 1},v1=${opensslHex}`, body, secret, t],
    ['a short signature', `t=${t},v1=${opensslHex.slice(0, 63)}`, body, secret, t],
    ['garbage', 'nonsense', body, secret, t],
  ])('refuses %s', (_case, value, received, key, now) => {
    expect(verifyWebhookSignature(key, value, received, 300, now)).toBe(false);
  });
});
