import { describe, expect, test } from 'bun:test';
import { isGatewayError } from '../errors/gateway-error.ts';
import { classifyHostName, createSsrfGuard, type Resolver, systemResolver } from './ssrf-guard.ts';

/** Runs the guard and returns the thrown/rejected error code, or 'ok'. */
async function verdict(
  guard: ReturnType<typeof createSsrfGuard>,
  url: string,
  opts?: { allowPrivateNetwork?: boolean; viaProxy?: boolean },
): Promise<string> {
  try {
    await guard.check(new URL(url), opts);
    return 'ok';
  } catch (e) {
    if (!isGatewayError(e)) throw e;
    return e.code;
  }
}

const table: Record<string, string[]> = {
  'api.example.com': ['93.184.216.34', '2606:2800:220:1::'],
  'evil.example.com': ['93.184.216.34', '127.0.0.1'],
  'loop.example.com': ['127.0.0.1'],
  'meta.example.com': ['169.254.169.254'],
  'mapped.example.com': ['::ffff:169.254.169.254'],
  'garbage.example.com': ['not-an-ip'],
};
const fakeResolver = (): Resolver & { calls: string[] } => {
  const calls: string[] = [];
  const fn = (async (host: string) => {
    calls.push(host);
    const found = table[host];
    if (!found) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    return found;
  }) as Resolver & { calls: string[] };
  fn.calls = calls;
  return fn;
};

describe('SSRF guard: literals and names without DNS', () => {
  const guard = createSsrfGuard({ resolve: async () => { throw new Error('must not resolve'); } });
  const always = [
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/',
    'http://0xA9FEA9FE/',
    'http://0251.0376.0251.0376/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
    'http://168.63.129.16/machine?comp=goalstate',
    'http://169.254.1.1/',
    'http://[fe80::1]/',
    'http://0.0.0.0:8080/',
    'http://[::]/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://METADATA.google.internal./',
  ];
  for (const url of always) {
    test(`always blocked: ${url}`, async () => {
      expect(await verdict(guard, url)).toBe('GW_SSRF_BLOCKED');
      expect(await verdict(guard, url, { allowPrivateNetwork: true })).toBe('GW_SSRF_BLOCKED');
    });
  }
  const privateUrls = [
    'http://127.0.0.1:11434/v1',
    'http://127.1/',
    'http://[::1]/',
    'http://10.1.2.3/',
    'http://172.20.0.1/',
    'http://192.168.0.10/',
    'http://100.64.1.1/',
    'http://[fd12::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost:8080/',
    'http://foo.localhost/',
  ];
  for (const url of privateUrls) {
    test(`private unless allowed: ${url}`, async () => {
      expect(await verdict(guard, url)).toBe('GW_SSRF_BLOCKED');
      expect(await verdict(guard, url, { allowPrivateNetwork: true })).toBe('ok');
    });
  }
  test('public IP literals pass without DNS and synchronously', () => {
    expect(guard.check(new URL('https://8.8.8.8/v1'))).toBeUndefined();
    expect(guard.check(new URL('https://[2606:4700::1111]/'))).toBeUndefined();
  });
  test('only http and https', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://8.8.8.8/', 'ws://8.8.8.8/', 'data:text/plain,hi']) {
      expect(await verdict(guard, url, { allowPrivateNetwork: true })).toBe('GW_SSRF_BLOCKED');
    }
  });
  test('the message names the host only', () => {
    try {
      guard.check(new URL('http://169.254.169.254/latest?key=sk-secret-123'));
      throw new Error('not blocked');
    } catch (e) {
      if (!isGatewayError(e)) throw e;
      expect(e.message).toBe('Upstream address is not allowed: 169.254.169.254');
      expect(e.status).toBe(502);
      expect(e.retryable).toBe(false);
    }
  });
  test('classifyHostName', () => {
    expect(classifyHostName('api.openai.com')).toBeUndefined();
    expect(classifyHostName('[::ffff:a9fe:a9fe]')).toBe('blocked');
    expect(classifyHostName('LOCALHOST.')).toBe('private');
  });
});

describe('SSRF guard: resolved names', () => {
  test('a public name passes, every address checked', async () => {
    const guard = createSsrfGuard({ resolve: fakeResolver() });
    expect(await verdict(guard, 'https://api.example.com/v1')).toBe('ok');
  });
  test('a name resolving to 127.0.0.1 is refused without the flag, allowed with it', async () => {
    const guard = createSsrfGuard({ resolve: fakeResolver() });
    expect(await verdict(guard, 'http://loop.example.com/')).toBe('GW_SSRF_BLOCKED');
    expect(await verdict(guard, 'http://loop.example.com/', { allowPrivateNetwork: true })).toBe('ok');
  });
  test('one private address among public ones is enough to refuse', async () => {
    const guard = createSsrfGuard({ resolve: fakeResolver() });
    expect(await verdict(guard, 'http://evil.example.com/')).toBe('GW_SSRF_BLOCKED');
  });
  test('names resolving to metadata (also IPv4-mapped) are always refused', async () => {
    const guard = createSsrfGuard({ resolve: fakeResolver() });
    expect(await verdict(guard, 'http://meta.example.com/', { allowPrivateNetwork: true })).toBe('GW_SSRF_BLOCKED');
    expect(await verdict(guard, 'http://mapped.example.com/', { allowPrivateNetwork: true })).toBe('GW_SSRF_BLOCKED');
    expect(await verdict(guard, 'http://garbage.example.com/', { allowPrivateNetwork: true })).toBe('GW_SSRF_BLOCKED');
  });
  test('the vetted addresses are kept for the connection, IPv4 first; none for literals', async () => {
    const guard = createSsrfGuard({ resolve: async () => ['2606:2800:220:1::', '93.184.216.34', '2606:2800:220:1::1', '93.184.216.35'] });
    expect(await verdict(guard, 'https://dual.example.com/')).toBe('ok');
    expect(guard.addresses('dual.example.com')).toEqual(['93.184.216.34', '93.184.216.35', '2606:2800:220:1::', '2606:2800:220:1::1']);
    expect(await verdict(guard, 'https://93.184.216.34/')).toBe('ok');
    expect(guard.addresses('93.184.216.34')).toBeUndefined();
  });

  test('an unresolvable name is a retryable connect error, let through via a proxy', async () => {
    const guard = createSsrfGuard({ resolve: fakeResolver() });
    expect(await verdict(guard, 'http://nowhere.example.com/')).toBe('GW_UPSTREAM_CONNECT');
    expect(await verdict(guard, 'http://nowhere.example.com/', { viaProxy: true })).toBe('ok');
    expect(await verdict(guard, 'http://loop.example.com/', { viaProxy: true })).toBe('GW_SSRF_BLOCKED');
  });
  test('verdicts are cached for the TTL; concurrent lookups share one query', async () => {
    const resolve = fakeResolver();
    const guard = createSsrfGuard({ resolve, ttlMs: 50 });
    await Promise.all([1, 2, 3].map(() => guard.check(new URL('https://api.example.com/a'))));
    expect(resolve.calls).toEqual(['api.example.com']);
    expect(guard.check(new URL('https://API.example.com/b'))).toBeUndefined(); // sync hit
    expect(resolve.calls.length).toBe(1);
    await Bun.sleep(60);
    const again = guard.check(new URL('https://api.example.com/c'));
    expect(again).toBeInstanceOf(Promise);
    await again;
    expect(resolve.calls.length).toBe(2);
  });
  test('the cache is bounded', async () => {
    const resolve: Resolver = async () => ['93.184.216.34'];
    let calls = 0;
    const guard = createSsrfGuard({ resolve: async (h) => (calls++, resolve(h)), maxEntries: 2 });
    for (const h of ['a.test', 'b.test', 'c.test']) await guard.check(new URL(`http://${h}/`));
    expect(guard.check(new URL('http://c.test/'))).toBeUndefined();
    await guard.check(new URL('http://a.test/')); // evicted: resolved again
    expect(calls).toBe(4);
  });
  test('the system resolver returns every address of a name', async () => {
    const addrs = await systemResolver('localhost');
    expect(addrs.length).toBeGreaterThan(0);
    expect(addrs.every((a) => a === '127.0.0.1' || a === '::1')).toBe(true);
  });
});
