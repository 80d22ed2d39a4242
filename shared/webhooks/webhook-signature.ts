/**
 * The signature of a webhook delivery, in the scheme Stripe made familiar: the header
 * `X-Abtest-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` over the
 * exact bytes of the body. The timestamp is signed too, so a captured delivery cannot be
 * replayed outside the tolerance. Several `v1=` entries may appear (a rotated secret).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature. */
export const signatureHeader = 'x-abtest-signature';

/**
 * Signs a body.
 * @param secret - the webhook's secret (its UTF-8 bytes are the HMAC key)
 * @param body - the exact bytes sent
 * @param timestampSeconds - the signing time, in seconds since the epoch
 * @returns the header value, `t=<t>,v1=<hex>`
 * @example signWebhookBody('whsec_...', '{"event":"report.ready"}', 1767225600)
 */
export function signWebhookBody(
  secret: string,
  body: string | Buffer,
  timestampSeconds: number,
): string {
  const t = Math.floor(timestampSeconds);
  return `t=${t},v1=${signatureHex(secret, body, t)}`;
}

/**
 * Checks a delivery's signature, for receivers. The HMAC is recomputed over `"<t>.<body>"`
 * and compared in constant time with every `v1=` entry; the timestamp must be within the
 * tolerance of the receiver's clock.
 * @param secret - the webhook's secret, as shown once at registration (or `ABTEST_WEBHOOK_SECRET`)
 * @param header - the `X-Abtest-Signature` header value
 * @param body - the raw body bytes, exactly as received (not a re-serialised JSON value)
 * @param toleranceSeconds - how far the signed time may be from now (300 is usual)
 * @param nowSeconds - the receiver's clock, in seconds since the epoch
 * @returns true when the signature is valid and fresh
 * @example verifyWebhookSignature(secret, req.headers['x-abtest-signature'], rawBody, 300)
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string | Buffer,
  toleranceSeconds: number,
  nowSeconds: number = Date.now() / 1000,
): boolean {
  if (header === undefined) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamps = parts.filter(([key]) => key === 't').map(([, value]) => value ?? '');
  const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '');
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0] ?? '')) return false;
  const t = Number(timestamps[0]);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureHex(secret, body, t), 'hex');
  return signatures.some((signature) => {
    if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
    return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
  });
}

function signatureHex(secret: string, body: string | Buffer, t: number): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}
