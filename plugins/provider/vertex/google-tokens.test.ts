import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpClient } from '../../../core/http/types.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { loadServiceAccountKey } from './load-service-account-key.ts';
import { serviceAccountTokens, type TokenEntry } from './service-account-tokens.ts';
import { signServiceAccountJwt } from './sign-service-account-jwt.ts';

let pem = '';
let publicKey: CryptoKey;
let server: ReturnType<typeof Bun.serve>;
let answer = (n: number): Response => Response.json({ access_token: `tok-${n}-long-enough`, expires_in: 3600 });
const assertions: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'vertex-unit-'));
const keyFile = join(dir, 'key.json');

beforeAll(async () => {
  const pair = (await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  publicKey = pair.publicKey;
  pem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await crypto.subtle.exportKey('pkcs8', pair.privateKey)).toString('base64')}\n-----END PRIVATE KEY-----\n`;
  server = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    async fetch(req) {
      const form = new URLSearchParams(await req.text());
      assertions.push(form.get('assertion')!);
      await Bun.sleep(20); // long enough for concurrent callers to pile up
      return answer(assertions.length);
    },
  });
  writeFileSync(keyFile, JSON.stringify({ type: 'service_account', client_email: 'sa@p.iam.gserviceaccount.com', private_key: pem, private_key_id: 'k1', project_id: 'p', token_uri: `http://127.0.0.1:${server.port}/token` }));
});
afterAll(() => {
  server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

const provider = { name: 'v', allowPrivateNetwork: true, timeouts: { connectMs: 2000, firstByteMs: 2000, idleMs: 2000, totalMs: 5000 } } as unknown as ProviderRuntime;
/** Plain fetch: the unit under test is the cache, not the SSRF guard (the gateway suites cover that). */
const http: HttpClient = { fetch: (url, init) => fetch(url, init as RequestInit) };

describe('the service-account JWT', () => {
  test('RS256 over iss, scope, aud, iat, exp; the public key verifies it', async () => {
    const key = await loadServiceAccountKey(keyFile);
    const jwt = await signServiceAccountJwt(key, 1_700_000_000_500);
    const [h, c, s] = jwt.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'k1' });
    expect(JSON.parse(Buffer.from(c, 'base64url').toString())).toEqual({
      iss: 'sa@p.iam.gserviceaccount.com', scope: 'https://www.googleapis.com/auth/cloud-platform', aud: key.tokenUri, iat: 1_700_000_000, exp: 1_700_003_600,
    });
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, Buffer.from(s, 'base64url'), new TextEncoder().encode(`${h}.${c}`))).toBe(true);
  });

  test('key files: inline JSON works, other credential types and unreadable paths are refused without quoting the content', async () => {
    expect((await loadServiceAccountKey(JSON.stringify({ type: 'service_account', client_email: 'e', private_key: pem }))).tokenUri).toBe('https://oauth2.googleapis.com/token');
    await expect(loadServiceAccountKey('{"type":"authorized_user","refresh_token":"secret-refresh"}')).rejects.toThrow(/"authorized_user"; only service-account keys/);
    await expect(loadServiceAccountKey(join(dir, 'missing.json'))).rejects.toThrow(/cannot be read/);
  });
});

describe('token cache', () => {
  test('concurrent callers share one exchange; the token lives until 5 minutes before it expires', async () => {
    let now = 1_700_000_000_000;
    const secrets: string[] = [];
    const tokens = serviceAccountTokens(new Map<string, TokenEntry>(), { http, now: () => now, registerSecret: (v) => secrets.push(v) });
    const grants = await Promise.all(Array.from({ length: 8 }, () => tokens.get(provider, keyFile)));
    expect(new Set(grants.map((g) => g.token))).toEqual(new Set(['tok-1-long-enough']));
    expect(grants[0]!.projectId).toBe('p');
    expect(secrets).toEqual(expect.arrayContaining([pem, 'tok-1-long-enough', assertions[0]]));
    now += 3300_000 - 1;
    expect((await tokens.get(provider, keyFile)).token).toBe('tok-1-long-enough');
    now += 1;
    expect((await tokens.get(provider, keyFile)).token).toBe('tok-2-long-enough');
  });

  test('after a rejection: one refresh, unless the rejected token was already replaced; a failed refresh is not kept', async () => {
    const tokens = serviceAccountTokens(new Map<string, TokenEntry>(), { http, now: () => 0 });
    const first = (await tokens.get(provider, keyFile)).token;
    const renewed = await Promise.all([tokens.afterRejection(provider, keyFile, first), tokens.afterRejection(provider, keyFile, first)]);
    expect(renewed[0]!.token).not.toBe(first);
    expect(renewed[1]!.token).toBe(renewed[0]!.token);
    expect((await tokens.afterRejection(provider, keyFile, first)).token).toBe(renewed[0]!.token);
    const before = assertions.length;
    answer = () => Response.json({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }, { status: 400 });
    await expect(tokens.afterRejection(provider, keyFile, renewed[0]!.token)).rejects.toThrow('Google refused the service-account key (HTTP 400, invalid_grant: Invalid JWT Signature.)');
    await Bun.sleep(50);
    answer = (n) => Response.json({ access_token: `tok-${n}-long-enough`, expires_in: 3600 });
    expect((await tokens.get(provider, keyFile)).token).toBe(`tok-${before + 2}-long-enough`);
  });
});
