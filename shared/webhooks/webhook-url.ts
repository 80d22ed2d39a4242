/**
 * Which URLs a webhook may be registered for: absolute http(s), without credentials in the URL,
 * and never the cloud metadata server or a link-local address (where a signed POST could reach
 * instance credentials). Loopback and private addresses stay allowed: receivers on the same
 * network are a normal set-up, and only holders of the write token can register.
 */

const metadataHosts = new Set(['metadata.google.internal', 'metadata', 'metadata.goog']);

/**
 * Says what is wrong with a webhook URL.
 * @param url - the URL to register
 * @returns the problem, or undefined when the URL is acceptable
 * @example webhookUrlProblem('http://169.254.169.254/') // 'link-local addresses are not allowed'
 */
export function webhookUrlProblem(url: string): string | undefined {
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
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  if (metadataHosts.has(host)) return 'the metadata server is not allowed';
  if (/^169\.254\./.test(host) || /^\[fe[89ab][0-9a-f]:/.test(host)) {
    return 'link-local addresses are not allowed';
  }
  return undefined;
}
