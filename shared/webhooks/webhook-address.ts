/**
 * Where a delivery connects, decided when it is made: the URL's own rules first (its form, a
 * literal address, a metadata host name), then every address its host name resolves to must
 * be allowed (one address of a name in a private range is enough to refuse it: a name is not
 * a way around the rules). The delivery then connects to the address checked here and never
 * resolves the name again, so a name that changes its answer in between (DNS rebinding)
 * reaches nothing new.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  addressRefusal,
  hostOf,
  webhookUrlProblem,
  type TargetPolicy,
} from '../net/webhook-target.ts';

/** A checked address to connect to. */
export interface PinnedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Why a target cannot be delivered to. */
export type TargetRefusal =
  | { readonly reason: 'address_not_allowed'; readonly detail: string }
  | { readonly reason: 'dns_error'; readonly detail: string };

/**
 * Decides, from every address a name resolves to, whether it may be reached.
 * @param addresses - the resolved addresses
 * @param policy - whether private addresses are allowed
 * @returns the address to connect to (the first), or the refusal naming the address refused
 * @example checkResolvedAddresses([{ address: '10.0.0.1', family: 4 }], { allowPrivate: false })
 */
export function checkResolvedAddresses(
  addresses: readonly { readonly address: string; readonly family: number }[],
  policy: TargetPolicy,
): PinnedAddress | TargetRefusal {
  if (addresses.length === 0) return { reason: 'dns_error', detail: 'no address' };
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, policy);
    if (refusal !== undefined) {
      return { reason: 'address_not_allowed', detail: `resolves to ${address}: ${refusal}` };
    }
  }
  const first = addresses[0] as { address: string; family: number };
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/**
 * Resolves and checks a webhook URL's host.
 * @param url - the webhook URL
 * @param policy - whether private addresses are allowed
 * @returns the address to connect to, or why not
 * @example const target = await resolveWebhookAddress('https://hooks.example.com/x', { allowPrivate: false })
 */
export async function resolveWebhookAddress(
  url: string,
  policy: TargetPolicy,
): Promise<PinnedAddress | TargetRefusal> {
  const problem = webhookUrlProblem(url, policy);
  if (problem !== undefined) return { reason: 'address_not_allowed', detail: problem };
  const host = hostOf(new URL(url));
  const literal = isIP(host);
  if (literal !== 0) return { address: host, family: literal === 6 ? 6 : 4 };
  let addresses;
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch (error) {
    return {
      reason: 'dns_error',
      detail: (error as NodeJS.ErrnoException).code ?? 'lookup failed',
    };
  }
  return checkResolvedAddresses(addresses, policy);
}

/**
 * Tells a resolution's outcome apart.
 * @param target - what {@link resolveWebhookAddress} returned
 * @returns true for a refusal
 * @example if (isRefusal(target)) return target.reason
 */
export function isRefusal(target: PinnedAddress | TargetRefusal): target is TargetRefusal {
  return 'reason' in target;
}
