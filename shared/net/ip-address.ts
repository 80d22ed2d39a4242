/**
 * What an IP address is, for deciding where a webhook may be sent: public, or one of the
 * special ranges of the IANA special-purpose registries (RFC 6890 and its updates), with
 * IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) judged by
 * the IPv4 address inside them. The cloud metadata endpoints are a class of their own.
 *
 * References: https://www.iana.org/assignments/iana-ipv4-special-registry,
 * https://www.iana.org/assignments/iana-ipv6-special-registry, RFC 4291 §2.5.5 (mapped and
 * compatible), RFC 6052 (NAT64), RFC 3056 (6to4), RFC 4380 (Teredo).
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The kinds of address. */
export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link_local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

/** Metadata endpoints of the clouds (GCP and AWS 169.254.169.254, AWS IPv6, Alibaba, Oracle). */
const metadataAddresses = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  '192.0.0.192',
  'fd00:ec2:0:0:0:0:0:254',
]);

interface Range {
  readonly bytes: readonly number[];
  readonly prefix: number;
  readonly kind: AddressClass;
}

const v4 = (text: string, prefix: number, kind: AddressClass): Range => ({
  bytes: text.split('.').map(Number),
  prefix,
  kind,
});

/** IPv4 special ranges, most specific first. */
const ipv4Ranges: readonly Range[] = [
  v4('0.0.0.0', 8, 'unspecified'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'private'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link_local'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'private'),
  v4('192.0.2.0', 24, 'reserved'),
  v4('192.88.99.0', 24, 'reserved'),
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'private'),
  v4('198.51.100.0', 24, 'reserved'),
  v4('203.0.113.0', 24, 'reserved'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'),
];

const v6 = (groups: readonly number[], prefix: number, kind: AddressClass): Range => ({
  bytes: groups
    .flatMap((group) => [group >> 8, group & 0xff])
    .concat(Array(16).fill(0))
    .slice(0, 16),
  prefix,
  kind,
});

/** IPv6 special ranges (those embedding IPv4 are handled before these). */
const ipv6Ranges: readonly Range[] = [
  v6([0x0100], 64, 'reserved'),
  v6([0x2001, 0x0000], 32, 'reserved'),
  v6([0x2001, 0x0db8], 32, 'reserved'),
  v6([0xfc00], 7, 'private'),
  v6([0xfe80], 10, 'link_local'),
  v6([0xfec0], 10, 'private'),
  v6([0xff00], 8, 'multicast'),
];

/**
 * Parses an IP address in its textual forms (IPv6 in brackets or not, with a zone or not).
 * @param text - the address
 * @returns its 4 or 16 bytes, or undefined when it is not an IP address
 * @example parseIp('::ffff:a9fe:a9fe') // 16 bytes
 */
export function parseIp(text: string): readonly number[] | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(bare)) return bare.split('.').map(Number);
  if (!isIPv6(bare)) return undefined;
  let head = bare;
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (dotted?.[1] !== undefined) {
    tail = dotted[1].split('.').map(Number);
    head = `${bare.slice(0, -dotted[1].length)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const before = groups(left);
  const after = right === undefined ? [] : groups(right);
  const words = [...before, ...Array(8 - before.length - after.length).fill(0), ...after];
  const bytes = words.flatMap((word: number) => [word >> 8, word & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/**
 * The canonical text of an address: dotted IPv4, or eight lower-case IPv6 groups.
 * @param bytes - 4 or 16 bytes
 * @returns the text
 * @example formatIp([169, 254, 169, 254]) // '169.254.169.254'
 */
export function formatIp(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const words = [];
  for (let i = 0; i < 16; i += 2)
    words.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return words.join(':');
}

/**
 * The IPv4 address an IPv6 address carries, when it is of a form that routes to it.
 * @param bytes - 16 bytes
 * @returns the 4 bytes, or undefined
 * @example embeddedIpv4(parseIp('::ffff:169.254.169.254')!) // [169, 254, 169, 254]
 */
export function embeddedIpv4(bytes: readonly number[]): readonly number[] | undefined {
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated; not :: and ::1 themselves).
  if (zero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  if (zero(0, 12) && !zero(12, 15)) return bytes.slice(12);
  // 64:ff9b::a.b.c.d (NAT64, RFC 6052) and 64:ff9b:1::/48 (local NAT64, RFC 8215).
  if (bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b) {
    return bytes.slice(12);
  }
  // 2002:aabb:ccdd::/48 (6to4).
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  return undefined;
}

/**
 * Classifies an address.
 * @param text - an IPv4 or IPv6 address (any textual form Node accepts)
 * @returns its class, or undefined when the text is not an IP address
 * @example addressClass('::ffff:a9fe:a9fe') // 'metadata'
 */
export function addressClass(text: string): AddressClass | undefined {
  const bytes = parseIp(text);
  if (bytes === undefined) return undefined;
  if (bytes.length === 16) {
    const inner = embeddedIpv4(bytes);
    if (inner !== undefined) return classify(inner, ipv4Ranges);
    if (bytes.every((b) => b === 0)) return 'unspecified';
    if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return 'loopback';
  }
  return classify(bytes, bytes.length === 4 ? ipv4Ranges : ipv6Ranges);
}

function classify(bytes: readonly number[], ranges: readonly Range[]): AddressClass {
  if (metadataAddresses.has(formatIp(bytes))) return 'metadata';
  const range = ranges.find((candidate) => inRange(bytes, candidate));
  return range?.kind ?? 'public';
}

function inRange(bytes: readonly number[], range: Range): boolean {
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const index = bit / 8;
    const width = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - width)) & 0xff;
    if (((bytes[index] ?? 0) & mask) !== ((range.bytes[index] ?? 0) & mask)) return false;
  }
  return true;
}
