import { describe, expect, test } from 'bun:test';
import { createRedactor, maskUrlSecrets, redactPatterns } from './redact.ts';

describe('redactPatterns', () => {
  const cases: Array<[string, string, string]> = [
    ['openai key', 'key sk-proj-AbCdEf1234567890xyz used', 'key sk-*** used'],
    ['anthropic key', 'sk-ant-api03-abcdefghijklmnop', 'sk-***'],
    ['switchyard key', 'client sy-0123456789abcdefghijABCDEFGHIJ0123456789 ok', 'client sy-*** ok'],
    ['bearer', 'Authorization: Bearer eyJhbGciOi.payload.sig', 'Authorization: Bearer ***'],
    ['lowercase bearer', 'authorization: bearer abcdefgh12345', 'authorization: bearer ***'],
    ['basic', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic ***'],
    ['x-api-key header', 'x-api-key: plainvalue123', 'x-api-key: ***'],
    ['x-api-key in JSON', '{"x-api-key":"plainvalue123","a":1}', '{"x-api-key":"***","a":1}'],
    ['x-goog-api-key', 'X-Goog-Api-Key=zzzzzzzz', 'X-Goog-Api-Key=***'],
    ['google key', 'url ?alt=sse&key=AIzaSyA-1234567890abcdefghijklmno', 'url ?alt=sse&key=***'],
    ['google key alone', 'AIzaSyA-1234567890abcdefghijklmno', 'AIza***'],
    ['oauth token', 'ya29.a0AfH6SMBxxxxxxxxx', 'ya29.***'],
    ['url password', 'connect redis://:hunter2pw@cache:6379/0 failed', 'connect redis://:***@cache:6379/0 failed'],
    ['url user and password', 'proxy http://bob:s3cr3t-pass@proxy.lan:8080 refused', 'proxy http://bob:***@proxy.lan:8080 refused'],
    ['url user only', 'see https://git@example.com/x and http://host:8080/a@b', 'see https://git@example.com/x and http://host:8080/a@b'],
  ];
  for (const [name, input, want] of cases) test(name, () => expect(redactPatterns(input)).toBe(want));

  test('ordinary text is left alone', () => {
    const text = 'task-manager said: Bearer token missing; disk-cache ok; sky-high 42 tokens';
    expect(redactPatterns(text)).toBe(text);
  });
});

describe('createRedactor', () => {
  const canary = 'CANARY-9f8e7d6c5b4a';

  test('registered secrets are replaced everywhere in a string; short ones are ignored', () => {
    const r = createRedactor([canary, 'short', canary + '-longer-variant']);
    expect(r.string(`a ${canary} b ${canary}-longer-variant c short`)).toBe('a *** b *** c short');
  });

  test('setSecrets replaces the list', () => {
    const r = createRedactor([canary]);
    r.setSecrets(['another-secret-value']);
    expect(r.string(canary)).toBe(canary);
    expect(r.string('x another-secret-value')).toBe('x ***');
  });

  test('secrets with regex characters are matched literally', () => {
    const r = createRedactor(['a.b*c+d?(e)[f]$']);
    expect(r.string('x a.b*c+d?(e)[f]$ y axbbbcd')).toBe('x *** y axbbbcd');
  });

  test('a secret is found JSON-escaped (with or without \\/) and URL-encoded too', () => {
    const secret = 'AbC/dEf+GhI="jk\\l==';
    const r = createRedactor([secret]);
    const echoed = JSON.stringify({ error: { message: `Incorrect API key provided: ${secret}` } });
    expect(echoed).not.toContain(secret);
    expect(r.string(echoed)).toBe(JSON.stringify({ error: { message: 'Incorrect API key provided: ***' } }));
    expect(r.string(echoed.replaceAll('/', '\\/'))).not.toContain('dEf');
    expect(r.string(`GET /v1/x?k=${encodeURIComponent(secret)} 401`)).toBe('GET /v1/x?k=*** 401');
    expect(r.string(`raw ${secret} end`)).toBe('raw *** end');
  });

  test('values: nested objects, arrays, keys, errors, maps, headers, cycles', () => {
    const r = createRedactor([canary]);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const err = Object.assign(new Error(`upstream said ${canary}`), { code: 'E1', status: 401, cause: new Error(canary) });
    const out = r.value({
      deep: { a: [1, { b: `x${canary}x` }] },
      [canary]: 'key-as-secret',
      authorization: 'anything at all',
      apiKey: 'k',
      tokens: 42,
      err,
      map: new Map([['m', canary]]),
      headers: new Headers({ 'x-api-key': 'hdr-value', accept: 'json' }),
      cyclic,
      when: new Date(0),
      bytes: new Uint8Array(3),
      big: 10n,
    });
    const text = JSON.stringify(out);
    expect(text).not.toContain(canary);
    expect(text).not.toContain('hdr-value');
    expect(text).not.toContain('anything at all');
    expect(out).toMatchObject({
      deep: { a: [1, { b: 'x***x' }] },
      '***': 'key-as-secret',
      authorization: '***',
      apiKey: '***',
      tokens: 42,
      err: { name: 'Error', message: 'upstream said ***', code: 'E1', status: 401, cause: { message: '***' } },
      map: { m: '***' },
      headers: { 'x-api-key': '***', accept: 'json' },
      cyclic: { name: 'loop', self: '[Circular]' },
      when: '1970-01-01T00:00:00.000Z',
      bytes: '[bytes 3]',
      big: '10',
    });
    expect(text).not.toContain('stack');
  });

  test('cost per log-sized value (measure)', () => {
    const r = createRedactor(Array.from({ length: 50 }, (_, i) => `provider-secret-${i}-abcdefgh`));
    const fields = { provider: 'groq', model: 'llama-3.3-70b', status: 200, latencyMs: 123, url: 'https://api.groq.com/openai/v1/chat/completions' };
    const n = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) r.value(fields);
    const us = ((performance.now() - t0) * 1000) / n;
    console.log(`redact 5-field object with 50 registered secrets: ${us.toFixed(2)} µs`);
    expect(us).toBeLessThan(500);
  });
});

test('maskUrlSecrets: URL passwords and credential-named query values; other parameters and ${ENV} names stay', () => {
  expect(maskUrlSecrets('https://u:pw12345678@h.example/v1?api_key=abc123&region=eu')).toBe('https://u:***@h.example/v1?api_key=***&region=eu');
  expect(maskUrlSecrets('https://s3.example/o?X-Amz-Signature=deadbeef&X-Amz-Date=20260101T000000Z')).toBe('https://s3.example/o?X-Amz-Signature=***&X-Amz-Date=20260101T000000Z');
  expect(maskUrlSecrets('https://h.example/?apiKey=k1&key=k2&access_token=t&sig=s#frag')).toBe('https://h.example/?apiKey=***&key=***&access_token=***&sig=***#frag');
  expect(maskUrlSecrets('https://h.example/?monkey=banana&keyword=x&key=${API_KEY}')).toBe('https://h.example/?monkey=banana&keyword=x&key=${API_KEY}');
});
