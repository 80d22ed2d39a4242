/**
 * A local webhook receiver for tests: a plain Node server on 127.0.0.1 that records every
 * request (headers and raw body) and answers what the test scripts: a status per attempt, or
 * no answer at all.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../shared/webhooks/webhook-signature.ts';

/** One request the receiver got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A running receiver. */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Starts a receiver.
 * @param answer - the status for the n-th request (1-based), or 'hang' to never answer
 * @returns the receiver
 */
export async function startReceiver(
  answer: (n: number) => number | 'hang' = () => 204,
): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      const status = answer(received.length);
      if (status === 'hang') return;
      res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:9/elsewhere' } : {});
      res.end(status >= 400 ? 'nope' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/abtest`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A webhook request as a test reads it: its event, whether its signature holds, its analysis. */
export interface SignedDelivery {
  readonly event: string;
  readonly valid: boolean;
  readonly analysisId: string;
}

/**
 * Reads the requests a receiver got as webhook deliveries, checking each signature.
 * @param received - the receiver's requests
 * @param secret - the signing secret
 * @returns one delivery per request, in order
 */
export function signedDeliveries(
  received: readonly ReceivedRequest[],
  secret: string,
): SignedDelivery[] {
  return received.map((request) => ({
    event: String(request.headers['x-abtest-event']),
    valid: verifyWebhookSignature(
      secret,
      request.headers['x-abtest-signature'] as string,
      request.body,
      300,
    ),
    analysisId: (JSON.parse(request.body.toString('utf8')) as { analysis_id: string }).analysis_id,
  }));
}
