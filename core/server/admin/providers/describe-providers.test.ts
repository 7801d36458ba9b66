import { expect, test } from 'bun:test';
import * as v from 'valibot';
import { loadPresets } from '../../../config/presets.ts';
import { resolveProviders } from '../../../config/resolve-providers.ts';
import { ConfigSchema } from '../../../config/schema.ts';
import { buildSnapshot } from '../../../plugin/snapshot.ts';
import { describeProviders, maskedEntry } from './describe-providers.ts';

test('the YAML entry shown by the admin API masks every literal secret, keeps ${ENV} references', () => {
  const shown = maskedEntry({
    type: 'openai', base_url: 'https://api.example.com/v1',
    keys: ['sk-literal-0123456789abcdef', '${OPENAI_API_KEY}'],
    headers: { 'x-api-key': 'sk-corp-header-secret-0123456789', 'X-Team': 'blue', authorization: '${CORP_TOKEN}' },
    proxy: 'http://alice:hunter2-proxy-pass@proxy.internal:3128',
  });
  const text = JSON.stringify(shown);
  for (const secret of ['sk-literal-0123456789abcdef', 'sk-corp-header-secret', 'hunter2-proxy-pass']) expect([secret, text.includes(secret)]).toEqual([secret, false]);
  expect(shown.keys).toEqual(['***cdef', '${OPENAI_API_KEY}']);
  expect(shown.headers).toEqual({ 'x-api-key': '***6789', 'X-Team': 'blue', authorization: '${CORP_TOKEN}' });
  expect(shown.proxy).toBe('http://alice:***@proxy.internal:3128');
  expect(maskedEntry({ proxy: 'http://u:${PROXY_PASS}@p:1' }).proxy).toBe('http://u:${PROXY_PASS}@p:1');
});

test('each config account shows the key of the YAML item the routing took it from', () => {
  const raw = {
    labelled: { type: 'mock', accounts: [{ label: 'work', key: '${WORK_KEY}' }, { label: 'account-1', key: '${OTHER_KEY}' }] },
    reused: { type: 'mock', accounts: [{ label: 'main', key: '${OLD_KEY}', enabled: false }, { label: 'main', key: '${NEW_KEY}' }] },
    emptyKey: { type: 'mock', keys: [''], accounts: [{ label: 'key-1', key: '${LABELLED_KEY}' }] },
    plain: { type: 'mock', keys: ['${FIRST_KEY}', 'sk-literal-0123456789abcdef'], accounts: [{ key: '${ACCOUNT_KEY}' }] },
  };
  // The config as loaded: `${ENV}` references already expanded.
  const config = v.parse(ConfigSchema, {
    providers: {
      labelled: { type: 'mock', accounts: [{ label: 'work', key: 'sk-work' }, { label: 'account-1', key: 'sk-other' }] },
      reused: { type: 'mock', accounts: [{ label: 'main', key: 'sk-old', enabled: false }, { label: 'main', key: 'sk-new' }] },
      emptyKey: { type: 'mock', keys: [''], accounts: [{ label: 'key-1', key: 'sk-labelled' }] },
      plain: { type: 'mock', keys: ['sk-first', 'sk-literal-0123456789abcdef'], accounts: [{ key: 'sk-account' }] },
    },
  });
  const snap = buildSnapshot(1, config, [], resolveProviders(config, loadPresets()));
  const keys = Object.fromEntries(describeProviders(config, raw, snap, undefined, null).map((p) => [p.name, p.accounts.map((a) => [a.id, a.key])]));
  expect(keys).toEqual({
    labelled: [['work', '${WORK_KEY}'], ['account-1', '${OTHER_KEY}']],
    reused: [['main', '${NEW_KEY}']],
    emptyKey: [['key-1', '${LABELLED_KEY}']],
    plain: [['key-1', '${FIRST_KEY}'], ['key-2', '***cdef'], ['account-1', '${ACCOUNT_KEY}']],
  });
});
