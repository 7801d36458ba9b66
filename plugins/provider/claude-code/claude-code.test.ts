import { describe, expect, test } from 'bun:test';
import { claudeCodeOAuth } from './claude-code-oauth.ts';
import { CLAUDE_CODE_SYSTEM, mergeBetas, withClaudeCodeSystem, withClaudeCodeSystemBody } from './claude-code-request.ts';
import { mapClaudeRateLimitHeaders, mapClaudeUsage } from './map-claude-usage.ts';

describe('Claude Code request shaping', () => {
  const block = { type: 'text', text: CLAUDE_CODE_SYSTEM };
  test('the Claude Code block goes first, once, whatever shape `system` has', () => {
    expect(withClaudeCodeSystemBody({ model: 'm' })).toEqual({ model: 'm', system: [block] });
    expect(withClaudeCodeSystemBody({ system: 'Be terse.' }).system).toEqual([block, { type: 'text', text: 'Be terse.' }]);
    const cached = [{ type: 'text', text: 'Rules', cache_control: { type: 'ephemeral' } }];
    expect(withClaudeCodeSystemBody({ system: cached }).system).toEqual([block, ...cached]);
    const already = { system: [{ type: 'text', text: `${CLAUDE_CODE_SYSTEM} More.` }] };
    expect(withClaudeCodeSystemBody(already)).toBe(already);
    expect(withClaudeCodeSystemBody({ system: CLAUDE_CODE_SYSTEM }).system).toBe(CLAUDE_CODE_SYSTEM);
  });

  test('hub requests get a leading system message unless they start with the block', () => {
    const req = { model: 'm', stream: false, messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }] };
    const out = withClaudeCodeSystem(req);
    expect(out.messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: CLAUDE_CODE_SYSTEM }] });
    expect(withClaudeCodeSystem(out)).toBe(out);
  });

  test('beta flags: the required ones first, each once', () => {
    expect(mergeBetas('context-1m-2025-08-07,oauth-2025-04-20')).toBe(
      'oauth-2025-04-20,claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14,context-1m-2025-08-07');
    expect(mergeBetas(null).split(',')).toHaveLength(4);
  });
});

describe('Claude usage', () => {
  test('usage endpoint → 5h / 7d windows; null windows and bad values are left out', () => {
    expect(mapClaudeUsage({
      five_hour: { utilization: 6, resets_at: '2025-11-04T04:59:59.943648+00:00' },
      seven_day: { utilization: 35.5, resets_at: null },
      seven_day_oauth_apps: null, seven_day_opus: null, seven_day_sonnet: { utilization: 'x' },
    })).toEqual([
      { name: '5h', usedPercent: 6, windowMinutes: 300, resetsAt: Date.parse('2025-11-04T04:59:59.943Z') },
      { name: '7d', usedPercent: 35.5, windowMinutes: 10_080 },
    ]);
    expect(mapClaudeUsage(null)).toEqual([]);
  });

  test('the Opus and Sonnet weeks limit one model family: advisory, so they never skip the whole account', () => {
    expect(mapClaudeUsage({
      seven_day_opus: { utilization: 100, resets_at: '2030-01-05T00:00:00+00:00' },
      seven_day_sonnet: { utilization: 20, resets_at: '2030-01-05T00:00:00+00:00' },
    })).toEqual([
      { name: '7d-opus', usedPercent: 100, windowMinutes: 10_080, resetsAt: Date.parse('2030-01-05T00:00:00Z'), advisory: true },
      { name: '7d-sonnet', usedPercent: 20, windowMinutes: 10_080, resetsAt: Date.parse('2030-01-05T00:00:00Z'), advisory: true },
    ]);
  });

  test('unified rate-limit headers (fractions) → windows', () => {
    const h = new Headers({ 'anthropic-ratelimit-unified-5h-utilization': '0.25', 'anthropic-ratelimit-unified-5h-reset': '1900000000' });
    expect(mapClaudeRateLimitHeaders(h)).toEqual([{ name: '5h', usedPercent: 25, windowMinutes: 300, resetsAt: 1_900_000_000_000 }]);
    expect(mapClaudeRateLimitHeaders(new Headers())).toEqual([]);
  });
});

describe('credentials file', () => {
  const parse = claudeCodeOAuth.importer!.parse;
  test('claudeAiOauth tokens with their expiry in ms', () => {
    expect(parse({ claudeAiOauth: { accessToken: 'at', refreshToken: 'rt', expiresAt: 1748658860401, scopes: ['user:inference', 'user:profile'] } }).tokens)
      .toEqual({ accessToken: 'at', refreshToken: 'rt', expiresAt: 1748658860401, scope: 'user:inference user:profile' });
    expect(() => parse({ other: {} })).toThrow(/claudeAiOauth/);
  });
});
