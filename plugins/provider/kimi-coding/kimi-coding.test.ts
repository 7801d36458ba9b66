import { describe, expect, test } from 'bun:test';
import type { OAuthSpecContext } from '../../../core/oauth/oauth-types.ts';
import { createKimiCodingOAuth, KIMI_CLIENT_ID, kimiDeviceHeaders } from './kimi-coding-oauth.ts';

const spec = createKimiCodingOAuth('d'.repeat(32));
const jwt = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('Kimi Code OAuth data', () => {
  test('device flow at auth.kimi.com with Kimi CLI device headers on every OAuth call', () => {
    expect(spec.flows).toEqual(['device', 'import']);
    expect(spec.endpoints).toMatchObject({ clientId: KIMI_CLIENT_ID, deviceCodeUrl: 'https://auth.kimi.com/api/oauth/device_authorization', tokenUrl: 'https://auth.kimi.com/api/oauth/token' });
    expect(spec.requestHeaders).toMatchObject({ 'x-msh-platform': 'kimi_cli', 'x-msh-device-id': 'd'.repeat(32), 'user-agent': expect.stringMatching(/^KimiCLI\//) });
    expect(Object.keys(kimiDeviceHeaders('x')).sort()).toEqual(['user-agent', 'x-msh-device-id', 'x-msh-device-model', 'x-msh-device-name', 'x-msh-platform', 'x-msh-version']);
  });

  test('kimi-code.json: expiry in epoch seconds becomes ms', () => {
    expect(spec.importer!.parse({ access_token: 'at', refresh_token: 'rt', expires_at: 1_900_000_000.5, scope: 'kimi-code', token_type: 'Bearer' }).tokens)
      .toEqual({ accessToken: 'at', refreshToken: 'rt', expiresAt: 1_900_000_000_500, scope: 'kimi-code' });
    expect(() => spec.importer!.parse({ refresh_token: 'rt' })).toThrow(/access_token/);
  });

  test('the account id: e-mail or user id from the access token claims, else a hash', () => {
    const ctx = {} as OAuthSpecContext;
    expect(spec.identify!({ accessToken: jwt({ email: 'k@kimi.test' }) }, ctx)).toEqual({ accountId: 'k@kimi.test', label: 'k@kimi.test', meta: { email: 'k@kimi.test' } });
    expect(spec.identify!({ accessToken: jwt({ user_id: 'u-42', sub: 's' }) }, ctx)).toEqual({ accountId: 'u-42' });
    expect((spec.identify!({ accessToken: 'opaque', refreshToken: 'rt' }, ctx) as { accountId: string }).accountId).toMatch(/^acct-[0-9a-f]{10}$/);
  });
});
