import { expect, test } from 'bun:test';
import { maskedEntry } from './describe-providers.ts';

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
