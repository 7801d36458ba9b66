import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { buildAuthorizeUrl, parseRedirectInput } from './authorization-code-flow.ts';
import { challengeOf, createPkce } from './pkce.ts';
import { FlowBook } from './flow-book.ts';

describe('PKCE', () => {
  test('S256 challenge = base64url(sha256(verifier)), verifier 43+ unreserved characters', () => {
    const p = createPkce();
    expect(p.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(p.challenge).toBe(createHash('sha256').update(p.verifier).digest('base64url'));
    expect(challengeOf('abc')).toBe(createHash('sha256').update('abc').digest('base64url'));
    expect(createPkce().verifier).not.toBe(p.verifier);
  });
});

describe('buildAuthorizeUrl', () => {
  test('keeps the endpoint query, adds the code request, the spec params cannot override the PKCE ones', () => {
    const url = new URL(buildAuthorizeUrl(
      { clientId: 'cid', authorizeUrl: 'https://auth.example/authorize?prompt=login', tokenUrl: 'x', scopes: ['a', 'b'], urls: {} },
      { state: 'st', challenge: 'ch', redirectUri: 'http://localhost:1455/cb', params: { code_challenge: 'evil', extra: '1' } },
    ));
    const q = url.searchParams;
    expect(Object.fromEntries(q)).toEqual({
      prompt: 'login', extra: '1', response_type: 'code', client_id: 'cid', redirect_uri: 'http://localhost:1455/cb',
      scope: 'a b', code_challenge: 'ch', code_challenge_method: 'S256', state: 'st',
    });
  });
});

describe('parseRedirectInput', () => {
  test.each([
    ['http://localhost:1455/auth/callback?code=abc&state=xyz', { code: 'abc', state: 'xyz' }],
    ['  https://x.test/cb?state=s1&code=c1&scope=a  ', { code: 'c1', state: 's1' }],
    ['code=c2&state=s2', { code: 'c2', state: 's2' }],
    ['?code=c3&state=s3', { code: 'c3', state: 's3' }],
    ['abc123#state456', { code: 'abc123', state: 'state456' }],
    ['https://console.anthropic.com/oauth/code/callback?code=c4%23s4', { code: 'c4', state: 's4' }],
    ['barecode', { code: 'barecode' }],
    ['http://localhost/cb?error=access_denied&state=s5', { error: 'access_denied', state: 's5' }],
    ['', {}],
  ])('%s', (input, want) => {
    expect(parseRedirectInput(input)).toEqual(want);
  });
});

describe('FlowBook', () => {
  test('a flow is taken once, only by its provider, never after it expired', () => {
    let now = 0;
    const book = new FlowBook(() => now);
    book.add({ id: 's1', provider: 'cc', kind: 'pkce', status: 'pending', verifier: 'v', redirectUri: 'r', expiresAt: 1000 });
    expect(book.take('s1', 'pkce', 'cx')).toBeUndefined();
    const f = book.take('s1', 'pkce', 'cc')!;
    expect(f.verifier).toBe('v');
    expect(book.take('s1', 'pkce')).toBeUndefined();
    book.finish(f, 'complete', undefined, 'acct');
    expect(book.get('s1')).toMatchObject({ status: 'complete', accountId: 'acct' });
    expect(book.get('s1')).not.toHaveProperty('verifier');

    book.add({ id: 's2', provider: 'cc', kind: 'pkce', status: 'pending', verifier: 'v2', expiresAt: 1000 });
    now = 1000;
    expect(book.take('s2', 'pkce')).toBeUndefined();
    expect(book.get('s2')).toMatchObject({ status: 'error', error: expect.stringContaining('expired') });
  });

  test('expired pending device flows are stopped by the sweep', () => {
    let now = 0;
    const book = new FlowBook(() => now);
    const abort = new AbortController();
    book.add({ id: 'd1', provider: 'gh', kind: 'device', status: 'pending', expiresAt: 10, abort });
    now = 20;
    expect(book.list('gh')).toMatchObject([{ id: 'd1', status: 'error' }]);
    expect(abort.signal.aborted).toBe(true);
  });
});
