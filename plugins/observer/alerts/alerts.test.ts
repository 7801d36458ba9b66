import { describe, expect, test } from 'bun:test';
import { describeAlert } from './describe-alert.ts';
import { alertBody } from './setup-alerts.ts';

describe('describeAlert', () => {
  test('the transitions that matter get a text; recoveries do not', () => {
    expect(describeAlert('cooldown:state-changed', { provider: 'groq', account: 'key-2', from: 'ready', to: 'failed', level: 0, reason: 'insufficient_quota' })).toEqual({
      key: 'cooldown:state-changed|groq / key-2|failed',
      text: 'Account groq / key-2 failed and is out of rotation: insufficient_quota. Fix the key or its credit, then save the config.',
    });
    expect(describeAlert('cooldown:state-changed', { provider: 'groq', to: 'cooling', until: Date.UTC(2026, 10, 26, 12), level: 1 })?.text)
      .toBe('Account groq is rate-limited and cooling down until 2026-11-26T12:00:00.000Z.');
    expect(describeAlert('cooldown:state-changed', { provider: 'groq', to: 'ready' })).toBeUndefined();
    expect(describeAlert('circuit-breaker:state-changed', { provider: 'openai', from: 'closed', to: 'open' })?.text).toStartWith('Circuit breaker open for openai');
    expect(describeAlert('circuit-breaker:state-changed', { provider: 'openai', from: 'open', to: 'half-open' })).toBeUndefined();
    expect(describeAlert('quota:exhausted', { provider: 'cc', account: 'me@x', window: '5h', metric: 'requests' })?.text).toBe('Quota used up: cc / me@x reached its 5h requests limit.');
    expect(describeAlert('oauth:account-state-changed', { provider: 'cc', account: 'me@x', state: 'needs-reauth', reason: 'refresh refused' })?.text)
      .toBe("Subscription account cc / me@x is needs-reauth: refresh refused. Log in again from the dashboard's Providers page.");
    expect(describeAlert('config:rejected', { file: '/x/switchyard.yaml', line: 3, col: 5, message: 'providers.a.base_url: Invalid URL' })?.text)
      .toBe('Config change refused (the previous config keeps serving): /x/switchyard.yaml:3:5: providers.a.base_url: Invalid URL');
    expect(describeAlert('budget:exceeded', { id: 'r', keyId: 'key_1', keyName: 'ci', period: 'daily', budgetUsd: 5, spentUsd: 5.0213, resetsAt: Date.UTC(2026, 10, 27) })).toEqual({
      key: 'budget:exceeded|key_1|daily',
      text: 'The daily budget of key "ci" (key_1) ($5.00) is spent ($5.02); its requests are refused until 2026-11-27T00:00:00.000Z.',
    });
    expect(describeAlert('my-plugin:thing', { n: 3, ok: true })).toEqual({ key: 'my-plugin:thing|n=3', text: 'my-plugin:thing: n=3' });
  });

  test('an event listed by name is throttled by what it is about, not by its request id, timings or message', () => {
    const failed = (id: string, over: Record<string, unknown> = {}) => describeAlert('attempt:failed', {
      id, provider: 'groq', account: 'key-1', model: 'llama', n: 1, status: 429, code: 'GW_RATE_LIMITED',
      error: `Rate limited (${id})`, retryable: true, retryAfterMs: id.length * 100, ...over,
    })!;
    expect(failed('req_1').key).toBe(failed('req_22').key);
    expect(failed('req_1').text).toContain('id=req_1');
    expect(failed('req_1').key).not.toBe(failed('req_1', { account: 'key-2' }).key);
    expect(failed('req_1').key).not.toBe(failed('req_1', { status: 500, code: 'GW_UPSTREAM_ERROR' }).key);
    const ended = (id: string, latencyMs: number) => describeAlert('request:failed', { id, status: 502, code: 'GW_UPSTREAM_ERROR', message: `boom ${id}`, latencyMs, keyId: 'key_a', usageStatus: 'error' })!;
    expect(ended('req_1', 12.5).key).toBe(ended('req_2', 840).key);
  });

  test('formats: JSON with the event and data, Slack text, Discord content', () => {
    const alert = { key: 'k', text: 'Quota used up.' };
    expect(JSON.parse(alertBody('json', 'quota:exhausted', alert, { provider: 'cc' }, Date.UTC(2026, 0, 1), 2))).toEqual({
      event: 'quota:exhausted', at: '2026-01-01T00:00:00.000Z', text: 'Quota used up. (2 more since the last alert)', repeats: 2, data: { provider: 'cc' },
    });
    expect(JSON.parse(alertBody('slack', 'x', alert, {}, 0, 0))).toEqual({ text: 'Switchyard: Quota used up.' });
    expect(JSON.parse(alertBody('discord', 'x', alert, {}, 0, 0))).toEqual({ content: 'Switchyard: Quota used up.' });
  });
});
