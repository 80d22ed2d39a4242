/**
 * One attempt of a delivery: a signed JSON POST to the checked address, within a time limit.
 * Any 2xx is success; redirects are not followed (a 3xx is a failed attempt), so a delivery
 * reaches only the registered URL. The answer's body is not read. Outcomes are reason classes.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { FailureReason } from './delivery-records.ts';
import type { PinnedAddress } from './webhook-address.ts';

/** What one attempt met. */
export interface SendOutcome {
  /** Null when delivered. */
  readonly error: FailureReason | null;
  readonly responseStatus: number | null;
  /** For the log only: the receiver's failure as Node reported it. */
  readonly detail: string | null;
  readonly durationMs: number;
}

/** One signed request. */
export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Sends a request to a pinned address.
 * @param request - URL, exact body and headers
 * @param target - the checked address to connect to (never resolved again)
 * @param timeoutMs - the most the attempt may take, connection and answer headers included
 * @returns the outcome; never throws
 * @example await sendWebhook({ url, body, headers }, { address: '203.0.113.7', family: 4 }, 10_000)
 */
export function sendWebhook(
  request: WebhookRequest,
  target: PinnedAddress,
  timeoutMs: number,
): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all === true) {
      (callback as unknown as (e: null, all: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    } else {
      callback(null, target.address, target.family);
    }
  };
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<SendOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: pinned,
        headers: {
          ...request.headers,
          'content-length': String(Buffer.byteLength(request.body)),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.destroy();
        req.destroy();
        finish({
          error: statusReason(status),
          responseStatus: status,
          detail: status >= 200 && status < 300 ? null : `answered ${status}`,
        });
      },
    );
    const timer = setTimeout(() => {
      finish({
        error: 'timeout',
        responseStatus: null,
        detail: `no answer within ${timeoutMs} ms`,
      });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({
        error: 'connection_error',
        responseStatus: null,
        detail: `${error.code ?? error.name}: ${error.message}`,
      }),
    );
    req.end(request.body);
  });
}

function statusReason(status: number): FailureReason | null {
  if (status >= 200 && status < 300) return null;
  if (status >= 300 && status < 400) return 'http_3xx';
  if (status >= 400 && status < 500) return 'http_4xx';
  if (status >= 500 && status < 600) return 'http_5xx';
  return 'http_other';
}
