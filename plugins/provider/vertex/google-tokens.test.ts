import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpClient } from '../../../core/http/types.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import type { ServiceAccountKey } from './google-credentials.ts';
import { googleTokens, type TokenDeps, type TokenEntry } from './google-tokens.ts';
import { loadGoogleCredentials } from './load-google-credentials.ts';
import { signServiceAccountJwt } from './sign-service-account-jwt.ts';

let pem = '';
let publicKey: CryptoKey;
let server: ReturnType<typeof Bun.serve>;
let answer = (n: number): Response => Response.json({ access_token: `tok-${n}-long-enough`, expires_in: 3600 });
const assertions: string[] = [];
const forms: URLSearchParams[] = [];
const dir = mkdtempSync(join(tmpdir(), 'vertex-unit-'));
const keyFile = join(dir, 'key.json');
const userFile = join(dir, 'application_default_credentials.json');
const NO_ENV = { env: {} };
const loadKey = async (c: string) => (await loadGoogleCredentials(c, NO_ENV)) as ServiceAccountKey;

beforeAll(async () => {
  const pair = (await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  publicKey = pair.publicKey;
  pem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await crypto.subtle.exportKey('pkcs8', pair.privateKey)).toString('base64')}\n-----END PRIVATE KEY-----\n`;
  server = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    async fetch(req) {
      const form = new URLSearchParams(await req.text());
      forms.push(form);
      if (form.get('grant_type') === 'refresh_token') {
        return form.get('refresh_token') === 'refresh-secret-0001' ? Response.json({ access_token: `user-tok-${forms.length}-long`, expires_in: 3599 })
          : Response.json({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }, { status: 400 });
      }
      assertions.push(form.get('assertion')!);
      await Bun.sleep(20); // long enough for concurrent callers to pile up
      return answer(assertions.length);
    },
  });
  writeFileSync(keyFile, JSON.stringify({ type: 'service_account', client_email: 'sa@p.iam.gserviceaccount.com', private_key: pem, private_key_id: 'k1', project_id: 'p', token_uri: `http://127.0.0.1:${server.port}/token` }));
  writeFileSync(userFile, JSON.stringify(user(`http://127.0.0.1:${server.port}/token`)));
});
afterAll(() => {
  server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

const provider = { name: 'v', allowPrivateNetwork: true, timeouts: { connectMs: 2000, firstByteMs: 2000, idleMs: 2000, totalMs: 5000 } } as unknown as ProviderRuntime;
/** Plain fetch: the unit under test is the cache, not the SSRF guard (the gateway suites cover that). */
const http: HttpClient = { fetch: (url, init) => fetch(url, init as RequestInit) };
const deps = (o: Partial<TokenDeps> = {}): TokenDeps => ({ http, now: () => 0, env: {}, ...o });
const user = (tokenUri?: string, refreshToken = 'refresh-secret-0001') => ({
  type: 'authorized_user', client_id: 'cid.apps.googleusercontent.com', client_secret: 'client-secret-0001', refresh_token: refreshToken, quota_project_id: 'quota-p',
  ...(tokenUri ? { token_uri: tokenUri } : {}),
});

describe('the service-account JWT', () => {
  test('RS256 over iss, scope, aud, iat, exp; the public key verifies it', async () => {
    const key = await loadKey(keyFile);
    const jwt = await signServiceAccountJwt(key, 1_700_000_000_500);
    const [h, c, s] = jwt.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'k1' });
    expect(JSON.parse(Buffer.from(c, 'base64url').toString())).toEqual({
      iss: 'sa@p.iam.gserviceaccount.com', scope: 'https://www.googleapis.com/auth/cloud-platform', aud: key.tokenUri, iat: 1_700_000_000, exp: 1_700_003_600,
    });
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, Buffer.from(s, 'base64url'), new TextEncoder().encode(`${h}.${c}`))).toBe(true);
  });

  test('key files: inline JSON works, unreadable paths are refused', async () => {
    expect((await loadKey(JSON.stringify({ type: 'service_account', client_email: 'e', private_key: pem }))).tokenUri).toBe('https://oauth2.googleapis.com/token');
    await expect(loadKey(join(dir, 'missing.json'))).rejects.toThrow(/cannot be read/);
  });
});

describe('token cache', () => {
  test('concurrent callers share one exchange; the token lives until 5 minutes before it expires', async () => {
    let now = 1_700_000_000_000;
    const secrets: string[] = [];
    const tokens = googleTokens(new Map<string, TokenEntry>(), deps({ now: () => now, registerSecret: (v) => secrets.push(v) }));
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
    const tokens = googleTokens(new Map<string, TokenEntry>(), deps());
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

describe('gcloud user credentials (authorized_user)', () => {
  test('the refresh-token grant with the client and refresh token; quota_project_id is the default and the quota project; secrets registered', async () => {
    const secrets: string[] = [];
    const tokens = googleTokens(new Map<string, TokenEntry>(), deps({ registerSecret: (v) => secrets.push(v) }));
    const before = forms.length;
    const grants = await Promise.all(Array.from({ length: 5 }, () => tokens.get(provider, userFile)));
    expect(forms.length - before).toBe(1);
    expect(Object.fromEntries(forms.at(-1)!)).toEqual({
      grant_type: 'refresh_token', client_id: 'cid.apps.googleusercontent.com', client_secret: 'client-secret-0001', refresh_token: 'refresh-secret-0001',
    });
    expect(grants[0]).toEqual({ token: `user-tok-${before + 1}-long`, expiresAt: 3599_000, projectId: 'quota-p', quotaProjectId: 'quota-p' });
    expect(secrets).toEqual(expect.arrayContaining(['client-secret-0001', 'refresh-secret-0001', `user-tok-${before + 1}-long`]));
    expect(secrets).not.toContain('cid.apps.googleusercontent.com');
  });

  test('inline JSON is a secret whole; a refused refresh token says to log in again and quotes no secret', async () => {
    const secrets: string[] = [];
    const tokens = googleTokens(new Map<string, TokenEntry>(), deps({ registerSecret: (v) => secrets.push(v) }));
    const inline = JSON.stringify(user(`http://127.0.0.1:${server.port}/token`, 'dead-refresh-0001'));
    const err = await tokens.get(provider, inline).then(() => undefined, (e: unknown) => e as Error & { code: string; status: number; retryable: boolean });
    expect(err).toMatchObject({ code: 'GW_UPSTREAM_AUTH', status: 502, retryable: false });
    expect(err!.message).toBe('Google refused the user credentials (HTTP 400, invalid_grant: Token has been expired or revoked.). '
      + 'The gcloud login is no longer valid (revoked, expired or replaced): run `gcloud auth application-default login` again.');
    expect(secrets).toEqual(expect.arrayContaining([inline, 'dead-refresh-0001', 'client-secret-0001']));
  });

  test('without token_uri the grant goes to Google; over http only with allow_private_network', async () => {
    const creds = await loadGoogleCredentials(JSON.stringify(user()), NO_ENV);
    expect(creds).toEqual({ type: 'authorized_user', clientId: 'cid.apps.googleusercontent.com', clientSecret: 'client-secret-0001', refreshToken: 'refresh-secret-0001', tokenUri: 'https://oauth2.googleapis.com/token', quotaProjectId: 'quota-p' });
    const strict = { ...provider, allowPrivateNetwork: false } as ProviderRuntime;
    await expect(googleTokens(new Map(), deps()).get(strict, userFile)).rejects.toThrow('The token_uri of the user credentials must be an https URL (provider "v").');
  });
});
