/**
 * The settings issue 12 adds: named tokens (`ABTEST_API_TOKENS`, `name:token` pairs) and the
 * rate limit (`ABTEST_RATE_LIMIT_REQUESTS` per `ABTEST_RATE_LIMIT_PERIOD_SECONDS`), each bad
 * value refused with a message naming the variable, and never echoing a token.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../shared/config/load-config.ts';

describe('loadConfig', () => {
  it('defaults to 600 requests per 60 s and no named tokens', () => {
    const config = loadConfig({});
    expect(config.rateLimitRequests).toBe(600);
    expect(config.rateLimitPeriodSeconds).toBe(60);
    expect(config.apiTokens).toEqual([]);
  });

  it('reads the rate limit, 0 switching it off', () => {
    const config = loadConfig({
      ABTEST_RATE_LIMIT_REQUESTS: '0',
      ABTEST_RATE_LIMIT_PERIOD_SECONDS: '1.5',
    });
    expect(config.rateLimitRequests).toBe(0);
    expect(config.rateLimitPeriodSeconds).toBe(1.5);
  });

  it('reads name:token pairs', () => {
    const config = loadConfig({
      ABTEST_API_TOKENS: ' ci:ci-token-0123456789abcdef , checkout-team:team:token:0123456789',
    });
    expect(config.apiTokens).toEqual([
      { name: 'ci', token: 'ci-token-0123456789abcdef' },
      { name: 'checkout-team', token: 'team:token:0123456789' },
    ]);
  });

  it.each([
    ['ABTEST_RATE_LIMIT_REQUESTS', '-1', /^invalid ABTEST_RATE_LIMIT_REQUESTS: /],
    ['ABTEST_RATE_LIMIT_REQUESTS', 'lots', /^invalid ABTEST_RATE_LIMIT_REQUESTS: /],
    ['ABTEST_RATE_LIMIT_PERIOD_SECONDS', '0', /^invalid ABTEST_RATE_LIMIT_PERIOD_SECONDS: /],
    ['ABTEST_API_TOKENS', 'ci:short', /^invalid ABTEST_API_TOKENS: entry 1 is not name:token/],
    [
      'ABTEST_API_TOKENS',
      'ci:ci-token-0123456789abcdef,bare-token-0123456789abcdef',
      /^invalid ABTEST_API_TOKENS: entry 2 is not name:token/,
    ],
    [
      'ABTEST_API_TOKENS',
      'ci:ci-token-0123456789abcdef,ci:other-token-0123456789',
      /the token name "ci" is used twice/,
    ],
    ['ABTEST_API_TOKENS', 'api:api-token-0123456789abcdef', /the token name "api" is used twice/],
    [
      'ABTEST_API_TOKENS',
      'a:same-token-0123456789abcdef,b:same-token-0123456789abcdef',
      /the token of "b" is given twice/,
    ],
  ])('refuses %s=%s', (variable, value, message) => {
    let thrown: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('0123456789abcdef');
  });
});
