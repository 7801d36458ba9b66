import { afterAll, beforeEach, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsSsoPlan } from './aws-credential-plan.ts';
import { getSsoAccessToken } from './get-sso-access-token.ts';

const dir = mkdtempSync(join(tmpdir(), 'sso-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'cache'));

const NOW = Date.UTC(2030, 0, 1, 12);
const iso = (ms: number) => new Date(ms).toISOString();
const plan = (over: Partial<AwsSsoPlan> = {}): AwsSsoPlan => ({
  kind: 'sso', profile: 'dev', session: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1',
  accountId: '111122223333', roleName: 'BedrockUser', tokenFile: join(dir, 'cache', 'token.json'),
  portalUrl: 'https://portal.example', oidcUrl: 'https://oidc.example', ...over,
});
const login = (over: Record<string, unknown> = {}) => ({
  startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1', accessToken: 'sso-access-old-0001', expiresAt: iso(NOW + 3600_000),
  clientId: 'client-1', clientSecret: 'client-secret-0001', registrationExpiresAt: iso(NOW + 86_400_000), refreshToken: 'sso-refresh-old-0001', ...over,
});

let calls: Array<{ url: string; body: Record<string, unknown> }>;
let answer: () => Response;
let secrets: string[];
const deps = () => ({
  now: () => NOW,
  registerSecret: (v: string) => void secrets.push(v),
  fetch: async (url: string, init: { body?: string }) => {
    calls.push({ url, body: JSON.parse(init.body ?? '{}') });
    return answer();
  },
});
const write = (json: unknown) => writeFileSync(plan().tokenFile, JSON.stringify(json));
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('resolved'); }, (e: { code: string; message: string }) => e);

beforeEach(() => {
  calls = [];
  secrets = [];
  answer = () => Response.json({ accessToken: 'sso-access-new-0002', expiresIn: 28_800, refreshToken: 'sso-refresh-new-0002', tokenType: 'Bearer' });
});

describe('getSsoAccessToken', () => {
  test('a login with more than 5 minutes left serves as it is, nothing sent; its secrets are registered', async () => {
    write(login({ expiresAt: iso(NOW + 6 * 60_000) }));
    expect(await getSsoAccessToken(plan(), deps(), 'AWS profile "dev"')).toBe('sso-access-old-0001');
    expect(calls).toEqual([]);
    expect(secrets).toEqual(['sso-access-old-0001', 'sso-refresh-old-0001', 'client-secret-0001']);
  });

  test('expired: refreshed through SSO OIDC and written back (other fields kept, mode 0600)', async () => {
    write(login({ expiresAt: iso(NOW - 1000) }));
    expect(await getSsoAccessToken(plan(), deps(), 'x')).toBe('sso-access-new-0002');
    expect(calls).toEqual([{
      url: 'https://oidc.example/token',
      body: { grantType: 'refresh_token', clientId: 'client-1', clientSecret: 'client-secret-0001', refreshToken: 'sso-refresh-old-0001' },
    }]);
    expect(JSON.parse(readFileSync(plan().tokenFile, 'utf8'))).toEqual(login({
      accessToken: 'sso-access-new-0002', expiresAt: iso(NOW + 28_800_000), refreshToken: 'sso-refresh-new-0002',
    }));
    expect(statSync(plan().tokenFile).mode & 0o777).toBe(0o600);
    expect(secrets).toContain('sso-access-new-0002');
    expect(secrets).toContain('sso-refresh-new-0002');
  });

  test('a refreshed login that cannot be written back still serves, and the plugin\'s log is told why (no secret)', async () => {
    write(login({ expiresAt: iso(NOW - 1000) }));
    const warnings: string[] = [];
    const failing = async () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    expect(await getSsoAccessToken(plan(), { ...deps(), warn: (m) => void warnings.push(m), store: failing }, 'x')).toBe('sso-access-new-0002');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('cannot be written (EACCES)');
    expect(warnings[0]).not.toContain('sso-access');
    expect(JSON.parse(readFileSync(plan().tokenFile, 'utf8')).accessToken).toBe('sso-access-old-0001');
  });

  test('within the 5-minute window it is refreshed too; without a new refresh token the old one is kept', async () => {
    write(login({ expiresAt: iso(NOW + 4 * 60_000) }));
    answer = () => Response.json({ accessToken: 'sso-access-new-0003', expiresIn: 3600 });
    expect(await getSsoAccessToken(plan(), deps(), 'x')).toBe('sso-access-new-0003');
    expect(JSON.parse(readFileSync(plan().tokenFile, 'utf8')).refreshToken).toBe('sso-refresh-old-0001');
  });

  test('a failed refresh: the old token serves while it has not expired, else the login hint with the reason', async () => {
    answer = () => Response.json({ error: 'invalid_grant', error_description: 'secret-ish detail sso-refresh-old-0001' }, { status: 400 });
    write(login({ expiresAt: iso(NOW + 60_000) }));
    expect(await getSsoAccessToken(plan(), deps(), 'x')).toBe('sso-access-old-0001');
    write(login({ expiresAt: iso(NOW - 60_000) }));
    const e = await failure(getSsoAccessToken(plan(), deps(), 'AWS profile "dev" (provider "p")'));
    expect(e.code).toBe('GW_UPSTREAM_AUTH');
    expect(e.message).toBe('AWS profile "dev" (provider "p"): the cached IAM Identity Center (SSO) login has expired (SSO OIDC refused the refresh (HTTP 400 invalid_grant)). '
      + 'Run `aws sso login --profile dev` (or `aws sso login --sso-session corp`) as the user the gateway runs as.');
  });

  test('no refresh without a refresh token, with an expired client registration, or for a legacy login', async () => {
    write(login({ expiresAt: iso(NOW - 1), refreshToken: undefined }));
    expect((await failure(getSsoAccessToken(plan(), deps(), 'x'))).message).toContain('has expired (it holds no refresh token with a valid client registration)');
    write(login({ expiresAt: iso(NOW - 1), registrationExpiresAt: iso(NOW - 1) }));
    expect((await failure(getSsoAccessToken(plan(), deps(), 'x'))).message).toContain('has expired (it holds no refresh token');
    const legacy = plan({ session: undefined });
    write(login({ expiresAt: iso(NOW - 1) }));
    const e = await failure(getSsoAccessToken(legacy, deps(), 'x'));
    expect(e.message).toBe('x: the cached IAM Identity Center (SSO) login has expired (a login without sso_session cannot be refreshed). Run `aws sso login --profile dev` as the user the gateway runs as.');
    expect(calls).toEqual([]);
  });

  test('no cache file, or one without a token: the login hint', async () => {
    rmSync(plan().tokenFile, { force: true });
    expect((await failure(getSsoAccessToken(plan(), deps(), 'AWS profile "dev"'))).message)
      .toBe('AWS profile "dev" has no cached IAM Identity Center (SSO) login. Run `aws sso login --profile dev` (or `aws sso login --sso-session corp`) as the user the gateway runs as.');
    write({ startUrl: 'x' });
    expect((await failure(getSsoAccessToken(plan(), deps(), 'x'))).message).toContain('has no cached IAM Identity Center (SSO) login');
  });

  test('an unreachable SSO OIDC is a reason, not a crash', async () => {
    write(login({ expiresAt: iso(NOW - 1) }));
    const d = { ...deps(), fetch: () => Promise.reject(Object.assign(new Error('boom'), { code: 'GW_UPSTREAM_CONNECT', [Symbol.for('switchyard.gateway-error')]: true })) };
    expect((await failure(getSsoAccessToken(plan(), d, 'x'))).message).toContain('(SSO OIDC could not be reached (GW_UPSTREAM_CONNECT))');
  });
});

test('two callers finding the same login due share one refresh', async () => {
  calls = [];
  secrets = [];
  let release!: () => void;
  answer = () => Response.json({ accessToken: 'sso-access-new-0004', expiresIn: 3600, refreshToken: 'sso-refresh-new-0004' });
  write(login({ expiresAt: iso(NOW - 1000) }));
  const refreshing = new Map<string, Promise<string>>();
  const slow = { ...deps(), refreshing, fetch: async (url: string, init: { body?: string }) => {
    await new Promise<void>((r) => { release = r; });
    return deps().fetch(url, init);
  } };
  const both = Promise.all([getSsoAccessToken(plan(), slow, 'a'), getSsoAccessToken(plan(), slow, 'b')]);
  await Bun.sleep(10);
  release();
  expect(await both).toEqual(['sso-access-new-0004', 'sso-access-new-0004']);
  expect(calls).toHaveLength(1);
  expect(refreshing.size).toBe(0);
});
