import { expect, test } from 'bun:test';
import * as v from 'valibot';
import type { Plugin } from '../../../plugin/types.ts';
import { checkPluginConfig } from './check-plugin-config.ts';

const hook = { name: 'hook', kind: 'observer', apiVersion: 1, config: v.object({ url: v.pipe(v.string(), v.url()), n: v.optional(v.number()) }), setup() {} } as Plugin<unknown>;

test('a config is checked as the plugin receives it: ${ENV} references expanded', () => {
  expect(checkPluginConfig('hook', hook, { url: '${HOOK_URL}' }, { HOOK_URL: 'https://hooks.example.com/x' })).toBeUndefined();
  expect(checkPluginConfig('hook', hook, { url: 'https://hooks.example.com/${PATH}' }, { PATH: 'a/b' })).toBeUndefined();
});

test('a refusal names the field and never quotes the value (a kept secret, an env value)', async () => {
  for (const [config, env] of [[{ url: 'not-a-url-canarySecret' }, {}], [{ url: '${HOOK_URL}' }, { HOOK_URL: 'canaryEnvSecret' }], [{ url: 'https://x.example', n: 'canaryN' }, {}]] as const) {
    const res = checkPluginConfig('hook', hook, config, env)!;
    expect(res.status).toBe(400);
    const { error } = await res.json() as { error: { code: string; param: string; message: string } };
    expect(error.code).toBe('invalid_plugin_config');
    expect(error.message).not.toContain('canary');
    expect(error.message).toStartWith(`${error.param}: Invalid`);
  }
});

test('a plugin without a config schema takes only an empty config', () => {
  const bare = { ...hook, config: undefined } as Plugin<unknown>;
  expect(checkPluginConfig('bare', bare, {}, {})).toBeUndefined();
  expect(checkPluginConfig('bare', bare, { a: 1 }, {})?.status).toBe(400);
});
