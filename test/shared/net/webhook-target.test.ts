/**
 * Where a webhook may go, tested on the rules themselves (nothing is sent): every notation of
 * the metadata address and of link-local, loopback and private addresses, IPv6 forms carrying
 * an IPv4 address, metadata host names; with and without ABTEST_WEBHOOK_ALLOW_PRIVATE. And the
 * redacted form URLs are shown in.
 */
import { describe, expect, it } from 'vitest';
import { addressClass, formatIp, parseIp } from '../../../shared/net/ip-address.ts';
import {
  addressRefusal,
  redactUrl,
  webhookUrlProblem,
} from '../../../shared/net/webhook-target.ts';

const strict = { allowPrivate: false };
const lenient = { allowPrivate: true };

describe('webhookUrlProblem', () => {
  it.each([
    // The metadata server in every notation the URL parser accepts.
    ['http://169.254.169.254/computeMetadata/v1/', /metadata server/],
    ['http://[::ffff:169.254.169.254]/', /metadata server/],
    ['http://[::ffff:a9fe:a9fe]/', /metadata server/],
    ['http://[0:0:0:0:0:ffff:a9fe:a9fe]/', /metadata server/],
    ['http://[::a9fe:a9fe]/', /metadata server/],
    ['http://[64:ff9b::a9fe:a9fe]/', /metadata server/],
    ['http://[2002:a9fe:a9fe::1]/', /metadata server/],
    ['http://2852039166/', /metadata server/],
    ['http://0xa9fea9fe/', /metadata server/],
    ['http://0xA9.0xFE.0xA9.0xFE/', /metadata server/],
    ['http://0251.0376.0251.0376/', /metadata server/],
    ['http://169.254.43518/', /metadata server/],
    ['http://[fd00:ec2::254]/latest/meta-data/', /metadata server/],
    ['http://metadata.google.internal/computeMetadata/v1/', /metadata server/],
    ['http://METADATA.GOOGLE.INTERNAL./', /metadata server/],
    ['http://metadata/', /metadata server/],
    ['http://metadata.goog/', /metadata server/],
    ['http://169.254.170.2/v2/credentials', /metadata server/],
    // Never, whatever the setting.
    ['http://169.254.1.1/', /link-local/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[::ffff:169.254.1.1]/', /link-local/],
    ['http://0.0.0.0:8080/', /unspecified/],
    ['http://0/', /unspecified/],
    ['http://[::]/', /unspecified/],
    ['http://224.0.0.1/', /multicast/],
    ['http://[ff02::1]/', /multicast/],
    ['http://255.255.255.255/', /reserved/],
    ['http://[2001:db8::1]/', /reserved/],
  ])('refuses %s, even with private addresses allowed', (url, reason) => {
    expect(webhookUrlProblem(url, strict)).toMatch(reason);
    expect(webhookUrlProblem(url, lenient)).toMatch(reason);
  });

  it.each([
    'http://127.0.0.1:8080/hooks',
    'http://127.1/',
    'http://017700000001/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://10.0.0.5:22/',
    'http://[::ffff:10.0.0.5]/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://198.18.0.1/',
    'http://[fd12:3456::1]/',
    'http://[fc00::1]/',
    'http://localhost:3000/',
    'http://LOCALHOST./',
    'http://api.localhost/',
  ])('refuses %s unless ABTEST_WEBHOOK_ALLOW_PRIVATE=true', (url) => {
    expect(webhookUrlProblem(url, strict)).toMatch(/only with ABTEST_WEBHOOK_ALLOW_PRIVATE=true/);
    expect(webhookUrlProblem(url, lenient)).toBeUndefined();
  });

  it.each([
    'https://hooks.example.com/abtest?token=s3cr3t',
    'http://hooks.example.com:8443/x',
    'http://8.8.8.8/',
    'http://[2606:4700:4700::1111]/',
    'http://[::ffff:8.8.8.8]/',
    'http://172.32.0.1/',
    // Names are checked where they resolve, at delivery; one that does not resolve yet is fine.
    'https://not-yet.example.invalid/hook',
    'https://metadata.example.com/',
  ])('accepts %s', (url) => {
    expect(webhookUrlProblem(url, strict)).toBeUndefined();
  });

  it.each([
    ['not a url', /not an absolute URL/],
    ['ftp://hooks.example.com/', /use http or https/],
    ['file:///etc/passwd', /use http or https/],
    ['https://user:pass@hooks.example.com/', /credentials/],
  ])('refuses the form of %s', (url, reason) => {
    expect(webhookUrlProblem(url, lenient)).toMatch(reason);
  });
});

describe('addressRefusal (a resolved address)', () => {
  it.each([
    ['169.254.169.254', strict, /metadata/],
    ['::ffff:169.254.169.254', lenient, /metadata/],
    ['fd00:ec2::254', lenient, /metadata/],
    ['fe80::abcd%eth0', lenient, /link-local/],
    ['127.0.0.1', strict, /ALLOW_PRIVATE/],
    ['::ffff:192.168.0.10', strict, /ALLOW_PRIVATE/],
    ['not-an-address', lenient, /not an IP address/],
  ])('refuses %s', (address, policy, reason) => {
    expect(addressRefusal(address, policy)).toMatch(reason);
  });

  it.each([
    ['93.184.216.34', strict],
    ['2606:2800:220:1:248:1893:25c8:1946', strict],
    ['127.0.0.1', lenient],
    ['::1', lenient],
    ['10.1.2.3', lenient],
  ])('allows %s', (address, policy) => {
    expect(addressRefusal(address, policy)).toBeUndefined();
  });
});

describe('IP addresses', () => {
  it('parses IPv6 with compression and an IPv4 tail to the same bytes', () => {
    expect(parseIp('::ffff:169.254.169.254')).toEqual(parseIp('0:0:0:0:0:ffff:a9fe:a9fe'));
    expect(formatIp(parseIp('fd00:ec2::254') ?? [])).toBe('fd00:ec2:0:0:0:0:0:254');
    expect(parseIp('hooks.example.com')).toBeUndefined();
  });

  it('classifies by the most specific range', () => {
    expect(addressClass('192.0.0.192')).toBe('metadata');
    expect(addressClass('192.0.0.8')).toBe('private');
    expect(addressClass('100.100.100.200')).toBe('metadata');
    expect(addressClass('::1')).toBe('loopback');
    expect(addressClass('8.8.4.4')).toBe('public');
  });
});

describe('redactUrl', () => {
  it('keeps the scheme, host and port, and hides the rest behind a hint', () => {
    const secret = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';
    const shown = redactUrl(secret);
    expect(shown.url).toBe('https://hooks.slack.com/…');
    expect(shown.hint).toMatch(/^sha256:[0-9a-f]{8}$/);
    expect(JSON.stringify(shown)).not.toContain('XXXX');
    expect(redactUrl('http://127.0.0.1:8080/?k=v').url).toBe('http://127.0.0.1:8080/…');
    expect(redactUrl('https://hooks.example.com/').url).toBe('https://hooks.example.com/');
    expect(redactUrl(secret).hint).not.toBe(redactUrl(`${secret}Y`).hint);
  });
});
