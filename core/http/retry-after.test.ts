import { describe, expect, test } from 'bun:test';
import { parseDuration, parseRetryAfter } from './retry-after.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const h = (init: Record<string, string>) => new Headers(init);

describe('parseRetryAfter', () => {
  test('no header gives undefined', () => {
    expect(parseRetryAfter(h({}), NOW)).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
  });

  test('retry-after in seconds (integer and decimal)', () => {
    expect(parseRetryAfter(h({ 'retry-after': '20' }), NOW)).toBe(20_000);
    expect(parseRetryAfter(h({ 'retry-after': ' 1.5 ' }), NOW)).toBe(1500);
    expect(parseRetryAfter(h({ 'retry-after': '0' }), NOW)).toBe(0);
  });

  test('retry-after as HTTP date, past dates give 0', () => {
    expect(parseRetryAfter(h({ 'retry-after': 'Sun, 01 Jun 2025 12:00:30 GMT' }), NOW)).toBe(30_000);
    expect(parseRetryAfter(h({ 'retry-after': 'Sun, 01 Jun 2025 11:00:00 GMT' }), NOW)).toBe(0);
  });

  test('retry-after-ms wins over retry-after', () => {
    expect(parseRetryAfter(h({ 'retry-after-ms': '250.2', 'retry-after': '9' }), NOW)).toBe(251);
    expect(parseRetryAfter(h({ 'retry-after-ms': 'x', 'retry-after': '9' }), NOW)).toBe(9000);
  });

  test('OpenAI reset durations', () => {
    expect(parseRetryAfter(h({ 'x-ratelimit-reset-requests': '1s' }), NOW)).toBe(1000);
    expect(parseRetryAfter(h({ 'x-ratelimit-reset-tokens': '6m0s' }), NOW)).toBe(360_000);
    expect(parseRetryAfter(h({ 'x-ratelimit-reset-tokens': '20ms' }), NOW)).toBe(20);
    expect(parseRetryAfter(h({ 'x-ratelimit-reset-requests': '2m59.56s' }), NOW)).toBe(179_560);
  });

  test('the exhausted window decides; otherwise the longest', () => {
    const both = { 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' };
    expect(parseRetryAfter(h({ ...both, 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-remaining-tokens': '900' }), NOW)).toBe(1000);
    expect(parseRetryAfter(h({ ...both, 'x-ratelimit-remaining-requests': '5', 'x-ratelimit-remaining-tokens': '0' }), NOW)).toBe(360_000);
    expect(parseRetryAfter(h(both), NOW)).toBe(360_000);
  });

  test('Anthropic RFC 3339 reset times', () => {
    expect(parseRetryAfter(h({ 'anthropic-ratelimit-requests-reset': '2025-06-01T12:00:07Z' }), NOW)).toBe(7000);
    expect(
      parseRetryAfter(
        h({
          'anthropic-ratelimit-requests-reset': '2025-06-01T12:00:07Z',
          'anthropic-ratelimit-output-tokens-reset': '2025-06-01T12:01:00Z',
          'anthropic-ratelimit-output-tokens-remaining': '0',
          'anthropic-ratelimit-requests-remaining': '10',
        }),
        NOW,
      ),
    ).toBe(60_000);
    expect(parseRetryAfter(h({ 'anthropic-ratelimit-tokens-reset': '2025-06-01T11:59:00Z' }), NOW)).toBe(0);
    expect(parseRetryAfter(h({ 'anthropic-ratelimit-tokens-reset': '7' }), NOW)).toBeUndefined();
  });

  test('retry-after wins over reset headers', () => {
    expect(parseRetryAfter(h({ 'retry-after': '3', 'x-ratelimit-reset-tokens': '6m0s' }), NOW)).toBe(3000);
  });
});

describe('parseDuration', () => {
  test('Go durations and bare seconds', () => {
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseDuration('0.5s')).toBe(500);
    expect(parseDuration('1500us')).toBeCloseTo(1.5);
    expect(parseDuration('12')).toBe(12_000);
  });
  test('garbage is undefined', () => {
    for (const bad of ['', 's', '1x', '-1s', '1s garbage', 'abc']) expect(parseDuration(bad)).toBeUndefined();
  });
});
