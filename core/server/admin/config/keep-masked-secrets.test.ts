import { describe, expect, test } from 'bun:test';
import { keepMaskedSecrets } from './keep-masked-secrets.ts';
import { maskConfigTree, maskWebhookUrl, PLUGIN_MASK_RULES } from './mask-config-tree.ts';

const SLACK = 'https://hooks.slack.com/services/T0CANARY/B0CANARY/canarySlackToken0001';
const saved = {
  url: SLACK,
  format: 'slack',
  headers: { 'x-hook-token': 'canaryHookHeader0000000002', 'X-Team': 'blue-canary-3', authorization: '${HOOK_AUTH}' },
  api_key: 'canaryApiKey000000000004',
  token: 'short5',
  upstream: 'http://relay:canaryUrlPass06@relay.internal:8080/v1',
  prompt: 'see http://bob:canaryPromptPass7@docs.internal/x for ***bold*** notes',
  keys: ['canaryListKey0000000008', '${LIST_KEY}'],
};
const shown = () => structuredClone(maskConfigTree(saved, PLUGIN_MASK_RULES)) as typeof saved;
const keep = (sent: unknown) => keepMaskedSecrets(sent, saved, PLUGIN_MASK_RULES);

describe('plugin config masks', () => {
  test('the view hides every literal secret and keeps ${ENV} references and plain values', () => {
    const view = shown();
    const text = JSON.stringify(view);
    for (const canary of ['T0CANARY', 'canarySlackToken', 'canaryHookHeader', 'blue-canary-3', 'canaryApiKey', 'short5', 'canaryUrlPass', 'canaryPromptPass', 'canaryListKey']) {
      expect([canary, text.includes(canary)]).toEqual([canary, false]);
    }
    expect(view).toEqual({
      url: 'https://hooks.slack.com/***', format: 'slack',
      headers: { 'x-hook-token': '***0002', 'X-Team': '***', authorization: '${HOOK_AUTH}' },
      api_key: '***0004', token: '***', upstream: 'http://relay:***@relay.internal:8080/v1',
      prompt: 'see http://bob:***@docs.internal/x for ***bold*** notes', keys: ['***0008', '${LIST_KEY}'],
    });
  });

  test('webhook URLs: everything after the host is masked, unless nothing secret is there', () => {
    expect(maskWebhookUrl('https://discord.com/api/webhooks/123/tok')).toBe('https://discord.com/***');
    expect(maskWebhookUrl('https://hook.example.com/?token=abc')).toBe('https://hook.example.com/***');
    expect(maskWebhookUrl('https://u:pw@hook.example.com/x')).toBe('https://u:***@hook.example.com/***');
    expect(maskWebhookUrl('http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000/');
    expect(maskWebhookUrl('${ALERTS_URL}')).toBe('${ALERTS_URL}');
    expect(maskWebhookUrl('https://hooks.slack.com/${SLACK_PATH}?t=${T}')).toBe('https://hooks.slack.com/${SLACK_PATH}?t=${T}');
    // A literal part next to a reference may be secret itself (Slack's T…/B… ids).
    expect(maskWebhookUrl('https://hooks.slack.com/services/T0/B0/${SLACK_TOKEN}')).toBe('https://hooks.slack.com/***');
  });

  test('the view sent back unchanged is the saved config', () => {
    expect(keep(shown())).toEqual({ ok: true, value: saved });
  });

  test('one field changed keeps the others; a new secret replaces the old; a removed field is removed', () => {
    const sent = shown() as Record<string, unknown>;
    sent.format = 'json';
    sent.api_key = 'brand-new-api-key-value';
    delete sent.token;
    (sent.headers as Record<string, string>)['x-new'] = 'v';
    const r = keep(sent);
    const { token: _gone, ...rest } = saved;
    expect(r).toEqual({ ok: true, value: { ...rest, format: 'json', api_key: 'brand-new-api-key-value', headers: { ...saved.headers, 'x-new': 'v' } } });
  });

  test('a prompt edited around a masked URL password keeps that password', () => {
    const sent = shown();
    sent.prompt = sent.prompt.replace('notes', 'remarks');
    expect(keep(sent)).toMatchObject({ ok: true, value: { prompt: saved.prompt.replace('notes', 'remarks') } });
  });

  test('a mask where nothing is saved is refused, naming the field', () => {
    for (const [sent, path] of [
      [{ ...shown(), password: '***' }, 'password'],
      [{ ...shown(), headers: { ...shown().headers, 'x-other': '***0002' } }, 'headers.x-other'],
      [{ ...shown(), headers: { ...shown().headers, authorization: '***' } }, 'headers.authorization'],
      [{ ...shown(), api_key: '***9999' }, 'api_key'],
    ] as const) {
      const r = keep(sent);
      expect(r).toMatchObject({ ok: false, path });
    }
    expect(keepMaskedSecrets({ url: 'https://hooks.slack.com/***' }, undefined, PLUGIN_MASK_RULES))
      .toMatchObject({ ok: false, path: 'url', message: expect.stringContaining('no saved value') });
  });

  test('a masked webhook URL or URL password with another host is refused; never sent to the new host', () => {
    expect(keep({ ...shown(), url: 'https://evil.example.com/***' })).toMatchObject({ ok: false, path: 'url' });
    expect(keep({ ...shown(), url: 'http://hooks.slack.com/***' })).toMatchObject({ ok: false, path: 'url' });
    expect(keep({ ...shown(), upstream: 'http://relay:***@evil.example.com/v1' })).toMatchObject({ ok: false, path: 'upstream' });
    expect(keep({ ...shown(), upstream: 'http://root:***@relay.internal:8080/v1' })).toMatchObject({ ok: false, path: 'upstream' });
    // The path after a kept password may change: only the user and host carry the password.
    expect(keep({ ...shown(), upstream: 'http://relay:***@relay.internal:8080/v2' })).toMatchObject({ ok: true, value: { upstream: 'http://relay:canaryUrlPass06@relay.internal:8080/v2' } });
    expect(keep({ ...shown(), url: 'https://hooks.slack.com/services/T1/B1/new' })).toMatchObject({ ok: true, value: { url: 'https://hooks.slack.com/services/T1/B1/new' } });
  });

  test('lists keep their masked items by index while their length holds', () => {
    expect(keep({ ...shown(), keys: ['***0008', '${OTHER}'] })).toMatchObject({ ok: true, value: { keys: ['canaryListKey0000000008', '${OTHER}'] } });
    expect(keep({ ...shown(), keys: ['***0008'] })).toMatchObject({ ok: false, path: 'keys.0' });
  });

  test('text that only looks like a mask is a value outside secret fields', () => {
    expect(keepMaskedSecrets({ prompt: '***' }, {}, PLUGIN_MASK_RULES)).toEqual({ ok: true, value: { prompt: '***' } });
    expect(keepMaskedSecrets({ api_key: 'ab***cd-real' }, {}, PLUGIN_MASK_RULES)).toEqual({ ok: true, value: { api_key: 'ab***cd-real' } });
  });
});
