/**
 * Where a webhook may be sent (a signed POST from inside the deployment must not become a way
 * into it). Never: the cloud metadata servers (169.254.169.254 in any notation, `fd00:ec2::254`,
 * `metadata.google.internal`...), link-local, unspecified, multicast and reserved addresses.
 * Loopback and private addresses (and `localhost`) only with `ABTEST_WEBHOOK_ALLOW_PRIVATE=true`
 * (tests, a local stack). These rules hold for a URL's literal host at registration and for
 * every address its name resolves to at delivery. URLs are shown redacted: a webhook URL often
 * carries a secret in its path or query.
 */
import { createHash } from 'node:crypto';
import { addressClass, type AddressClass } from './ip-address.ts';

/** How strict the rules are. */
export interface TargetPolicy {
  /** Loopback and private addresses allowed (ABTEST_WEBHOOK_ALLOW_PRIVATE). */
  readonly allowPrivate: boolean;
}

/** Host names of metadata servers, refused whatever they resolve to. */
const metadataHosts = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

const neverAllowed: Readonly<Partial<Record<AddressClass, string>>> = {
  metadata: 'the cloud metadata server is never allowed',
  link_local: 'link-local addresses are never allowed',
  unspecified: 'unspecified addresses (0.0.0.0, ::) are never allowed',
  multicast: 'multicast addresses are never allowed',
  reserved: 'reserved and documentation addresses are never allowed',
};

/**
 * Says why an address may not receive a webhook.
 * @param address - an IP address (IPv4-mapped and other embedding forms are judged by their IPv4)
 * @param policy - whether private addresses are allowed
 * @returns the reason, or undefined when the address is allowed
 * @example addressRefusal('::ffff:169.254.169.254', { allowPrivate: true }) // 'the cloud metadata server is never allowed'
 */
export function addressRefusal(address: string, policy: TargetPolicy): string | undefined {
  const kind = addressClass(address);
  if (kind === undefined) return 'not an IP address';
  const never = neverAllowed[kind];
  if (never !== undefined) return never;
  if ((kind === 'loopback' || kind === 'private') && !policy.allowPrivate) {
    return `${kind} addresses are allowed only with ABTEST_WEBHOOK_ALLOW_PRIVATE=true`;
  }
  return undefined;
}

/**
 * The host of a URL as compared: lower case, without brackets or trailing dots.
 * @param url - a parsed URL
 * @returns the host name or address
 * @example hostOf(new URL('http://Metadata.Google.Internal./')) // 'metadata.google.internal'
 */
export function hostOf(url: URL): string {
  return url.hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.+$/, '');
}

/**
 * Says what is wrong with a webhook URL, from the URL alone (its form, a literal address, a
 * metadata or local host name). A name that resolves elsewhere is checked at delivery.
 * @param url - the URL
 * @param policy - whether private addresses are allowed
 * @returns the problem, or undefined when the URL may be registered
 * @example webhookUrlProblem('http://[::ffff:a9fe:a9fe]/', { allowPrivate: false }) // metadata
 */
export function webhookUrlProblem(url: string, policy: TargetPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not an absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'use http or https';
  if (parsed.username !== '' || parsed.password !== '') {
    return 'credentials in the URL are not allowed (the signature authenticates deliveries)';
  }
  // The URL parser has already brought every IPv4 notation (decimal, octal, hexadecimal,
  // shortened) and IPv6 form to one canonical text.
  const host = hostOf(parsed);
  if (host === '') return 'no host';
  if (metadataHosts.has(host) || host.endsWith('.metadata.google.internal')) {
    return 'the cloud metadata server is never allowed';
  }
  if (addressClass(host) !== undefined) return addressRefusal(host, policy);
  if ((host === 'localhost' || host.endsWith('.localhost')) && !policy.allowPrivate) {
    return 'loopback addresses are allowed only with ABTEST_WEBHOOK_ALLOW_PRIVATE=true';
  }
  return undefined;
}

/** A URL as shown: scheme and host, and a hint to tell URLs apart without revealing them. */
export interface RedactedUrl {
  /** `https://hooks.example.com/…`: scheme, host and port; the rest elided. */
  readonly url: string;
  /** `sha256:` and the first 8 hexadecimal digits of the SHA-256 of the whole URL. */
  readonly hint: string;
}

/**
 * Redacts a URL for display: its path, query and fragment may hold a secret.
 * @param url - the URL
 * @returns the shown form and its hint
 * @example redactUrl('https://hooks.slack.com/services/T0/B0/XYZ').url // 'https://hooks.slack.com/…'
 */
export function redactUrl(url: string): RedactedUrl {
  const hint = `sha256:${createHash('sha256').update(url).digest('hex').slice(0, 8)}`;
  try {
    const parsed = new URL(url);
    const rest = `${parsed.pathname}${parsed.search}${parsed.hash}`;
    return { url: `${parsed.protocol}//${parsed.host}/${rest === '/' ? '' : '…'}`, hint };
  } catch {
    return { url: '…', hint };
  }
}
