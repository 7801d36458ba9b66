import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import { isGatewayError } from '../errors/gateway-error.ts';
import { parsePresets } from './presets.ts';
import { DEFAULT_TIMEOUTS } from '../http/default-timeouts.ts';
import { accountFingerprint, modelQuirks, resolveProviders } from './resolve-providers.ts';
import { ConfigSchema } from './schema.ts';

const presets = parsePresets(`
presets:
  - id: fast
    name: Fast Cloud
    type: openai
    base_url: https://api.fast.example/v1/
    env: [FAST_API_KEY]
    headers: { x-app: switchyard, x-override: preset }
    quirks: { no_stream_usage: true, max_tokens_field: max_tokens }
    model_quirks:
      "r*": { drop_params: [temperature] }
      r1: { reasoning_field: reasoning_content }
    models:
      m-small: { input: 0.1, output: 0.2 }
      m-big: { input: 1, output: 2, cached_input: 0.5 }
      r1: {}
  - id: claude-like
    name: Claude-like
    type: anthropic
    base_url: https://api.claude-like.example
    models: {}
  - id: box
    name: Local box
    type: openai
    base_url: http://127.0.0.1:9000/v1
    local: true
    models: {}
`);

const config = (input: unknown) => v.parse(ConfigSchema, input);

describe('resolveProviders', () => {
  test('merges an explicit preset with the entry (entry wins)', () => {
    const map = resolveProviders(
      config({
        providers: {
          mine: {
            preset: 'fast',
            keys: ['k1', '', 'k3'],
            models: ['m-extra', 'm-small'],
            headers: { 'x-override': 'entry' },
            quirks: { max_tokens_field: 'max_completion_tokens', models: { 'm-big': { system_as_user: true } } },
            account_strategy: 'round-robin',
            custom_option: 42,
          },
        },
      }),
      presets,
    );
    const p = map.get('mine');
    if (!p) throw new Error('missing provider');
    expect(p.type).toBe('openai');
    expect(p.preset).toBe('fast');
    expect(p.baseUrl).toBe('https://api.fast.example/v1');
    expect(p.auth).toEqual({ header: 'authorization', scheme: 'Bearer' });
    expect(p.accounts.map((a) => [a.id, a.label, a.secret])).toEqual([
      ['key-1', 'key-1', 'k1'],
      ['key-3', 'key-3', 'k3'],
    ]);
    expect(p.accountStrategy).toBe('round-robin');
    expect(p.models).toEqual(['m-small', 'm-big', 'r1', 'm-extra']);
    expect(p.headers).toEqual({ 'x-app': 'switchyard', 'x-override': 'entry' });
    expect(p.quirks.no_stream_usage).toBe(true);
    expect(p.quirks.max_tokens_field).toBe('max_completion_tokens');
    expect(Object.keys(p.quirks.models as object).sort()).toEqual(['m-big', 'r*', 'r1']);
    expect(p.options.custom_option).toBe(42);
    expect(p.allowPrivateNetwork).toBe(false);
  });

  test('a provider named like a preset uses it when it sets no type or the same type', () => {
    const map = resolveProviders(
      config({ providers: { fast: { keys: ['a'] }, 'claude-like': { type: 'anthropic' }, box: { type: 'anthropic', base_url: 'https://other.example' } } }),
      presets,
    );
    expect(map.get('fast')?.preset).toBe('fast');
    expect(map.get('claude-like')?.baseUrl).toBe('https://api.claude-like.example');
    expect(map.get('claude-like')?.auth).toEqual({ header: 'x-api-key' });
    const box = map.get('box');
    expect(box?.preset).toBeUndefined();
    expect(box?.type).toBe('anthropic');
    expect(box?.allowPrivateNetwork).toBe(false);
  });

  test('local presets allow the private network; no preset and no type means openai', () => {
    const map = resolveProviders(
      config({ providers: { box: {}, raw: { base_url: 'https://raw.example/v1', auth: { header: 'API-Key' } } } }),
      presets,
    );
    expect(map.get('box')?.allowPrivateNetwork).toBe(true);
    expect(map.get('raw')?.type).toBe('openai');
    expect(map.get('raw')?.auth).toEqual({ header: 'api-key' });
  });

  test('accounts: label or account-N, disabled ones skipped, fields kept', () => {
    const map = resolveProviders(
      config({
        providers: {
          fast: {
            keys: ['k'],
            accounts: [
              { label: 'work', key: 'w', priority: 2, weight: 3, limits: { rpm: 5 } },
              { key: 'anon' },
              { label: 'off', key: 'o', enabled: false },
              { key: 'anon2' },
            ],
          },
        },
      }),
      presets,
    );
    const accounts = map.get('fast')?.accounts ?? [];
    expect(accounts.map((a) => a.id)).toEqual(['key-1', 'work', 'account-2', 'account-4']);
    expect(accounts[1]).toEqual({
      id: 'work', label: 'work', secret: 'w', fingerprint: accountFingerprint({ secret: 'w' }), priority: 2, weight: 3, limits: { rpm: 5 },
    });
  });

  test('timeouts merge per field: entry, then global, then defaults', () => {
    const map = resolveProviders(
      config({
        timeouts: { connect_ms: 1_000, idle_ms: 2_000 },
        providers: { fast: { timeouts: { idle_ms: 3_000 } }, box: {} },
      }),
      presets,
    );
    expect(map.get('fast')?.timeouts).toEqual({ connectMs: 1_000, firstByteMs: DEFAULT_TIMEOUTS.firstByteMs, idleMs: 3_000, totalMs: DEFAULT_TIMEOUTS.totalMs });
    expect(map.get('box')?.timeouts.idleMs).toBe(2_000);
    expect(resolveProviders(config({ providers: { box: {} } }), presets).get('box')?.timeouts).toEqual({ ...DEFAULT_TIMEOUTS });
  });

  test('a reply that is not streamed waits for its head up to the total limit, unless first_byte_ms is configured', () => {
    const map = resolveProviders(config({ providers: { fast: {}, box: { timeouts: { first_byte_ms: 5_000 } } } }), presets);
    expect(map.get('fast')?.wholeReplyTimeouts).toEqual({ ...DEFAULT_TIMEOUTS, firstByteMs: DEFAULT_TIMEOUTS.totalMs });
    expect(map.get('box')?.wholeReplyTimeouts).toBeUndefined();
    expect(map.get('box')?.timeouts.firstByteMs).toBe(5_000);
    const unlimited = resolveProviders(config({ providers: { fast: { timeouts: { total_ms: 0 } } } }), presets).get('fast');
    expect(unlimited?.wholeReplyTimeouts).toMatchObject({ firstByteMs: 0, totalMs: 0 });
  });

  test('proxy: entry, else global; an empty string means direct', () => {
    const map = resolveProviders(config({ proxy: 'http://global:3128', providers: { fast: { proxy: 'http://own:8080' }, box: {} } }), presets);
    expect(map.get('fast')?.proxy).toBe('http://own:8080');
    expect(map.get('box')?.proxy).toBe('http://global:3128');
    const direct = resolveProviders(config({ proxy: '', providers: { box: {} } }), presets);
    expect(direct.get('box')?.proxy).toBeUndefined();
  });

  test('pricing: preset < global bare model < entry < global provider/model', () => {
    const map = resolveProviders(
      config({
        pricing: {
          'm-small': { input: 9, output: 9 },
          'r1': { input: 7, output: 7 },
          'fast/m-big': { input: 5, output: 6, cached_input: 1 },
          'other/m-small': { input: 100, output: 100 },
        },
        providers: { fast: { pricing: { 'm-small': { input: 0.3, output: 0.4 }, 'm-big': { input: 3, output: 3 } } } },
      }),
      presets,
    );
    const pricing = map.get('fast')?.pricing;
    expect(pricing?.['m-small']).toEqual({ input: 0.3, output: 0.4 });
    expect(pricing?.['m-big']).toEqual({ input: 5, output: 6, cachedInput: 1 });
    expect(pricing?.r1).toEqual({ input: 7, output: 7 });
  });

  test('pricing per unit: minutes of audio, characters, images', () => {
    const map = resolveProviders(config({
      pricing: { 'fast/tts': { per_1m_characters: 15 } },
      providers: { fast: { pricing: { stt: { per_minute: 0.006 }, img: { per_image: 0.04, input: 5, output: 40 } } } },
    }), presets);
    const pricing = map.get('fast')?.pricing;
    expect(pricing?.stt).toEqual({ input: 0, output: 0, perMinute: 0.006 });
    expect(pricing?.tts).toEqual({ input: 0, output: 0, perMillionCharacters: 15 });
    expect(pricing?.img).toEqual({ input: 5, output: 40, perImage: 0.04 });
  });

  test('disabled providers are left out', () => {
    const map = resolveProviders(config({ providers: { fast: { enabled: false }, box: {} } }), presets);
    expect([...map.keys()]).toEqual(['box']);
  });

  test('impossible input throws a GatewayError with the YAML path', () => {
    const cases: Array<[unknown, string]> = [
      [{ providers: { x: { preset: 'nope' } } }, 'providers.x.preset'],
      [{ providers: { x: { type: 'openai' } } }, 'providers.x'],
      [{ providers: { fast: { accounts: [{ label: 'a' }, { label: 'a' }] } } }, 'providers.fast.accounts[1]'],
    ];
    for (const [input, param] of cases) {
      let caught: unknown;
      try {
        resolveProviders(config(input), presets);
      } catch (e) {
        caught = e;
      }
      expect(isGatewayError(caught)).toBe(true);
      if (isGatewayError(caught)) {
        expect(caught.code).toBe('GW_CONFIG_INVALID');
        expect(caught.param).toBe(param);
      }
    }
  });

  test('a mock provider needs no base URL', () => {
    const map = resolveProviders(config({ providers: { mock: { type: 'mock' } } }), presets);
    expect(map.get('mock')?.baseUrl).toBe('');
  });
});

describe('modelQuirks', () => {
  test('provider-wide, then globs, then the exact id', () => {
    const p = resolveProviders(config({ providers: { fast: {} } }), presets).get('fast');
    if (!p) throw new Error('missing');
    expect(modelQuirks(p, 'm-small')).toEqual({ no_stream_usage: true, max_tokens_field: 'max_tokens' });
    expect(modelQuirks(p, 'r2')).toMatchObject({ drop_params: ['temperature'] });
    expect(modelQuirks(p, 'r1')).toMatchObject({ no_stream_usage: true, drop_params: ['temperature'], reasoning_field: 'reasoning_content' });
    expect(modelQuirks(p, 'xr1')).not.toHaveProperty('drop_params');
  });
});
