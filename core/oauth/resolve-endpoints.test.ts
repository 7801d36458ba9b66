import { describe, expect, test } from 'bun:test';
import type { OAuthSpec } from './oauth-types.ts';
import { accountFingerprint } from '../config/resolve-providers.ts';
import { envPrefix, resolveEndpoints } from './resolve-endpoints.ts';
import { withStoredAccounts } from './stored-accounts.ts';
import type { ProviderRuntime } from '../plugin/types.ts';
import type { StoredAccount } from '../db/accounts-repo.ts';

const spec: OAuthSpec = {
  type: 'claude-code', displayName: 'x', flows: ['pkce'],
  endpoints: { clientId: 'default-id', tokenUrl: 'https://a/token', authorizeUrl: 'https://a/auth', redirectUri: 'https://a/cb', scopes: ['s1'], urls: { usage: 'https://a/usage', copilotToken: 'https://a/ct' } },
};

describe('resolveEndpoints', () => {
  test('defaults when nothing overrides; the spec is not mutated', () => {
    const ep = resolveEndpoints(spec, { options: {} }, {});
    expect(ep).toEqual(spec.endpoints);
    expect(ep.urls).not.toBe(spec.endpoints.urls);
  });

  test('config beats env beats defaults; named URLs and scopes too; redirect_uri: gateway', () => {
    const env = { [`${envPrefix('claude-code')}CLIENT_ID`]: 'env-id', SWITCHYARD_OAUTH_CLAUDE_CODE_TOKEN_URL: 'https://env/token', SWITCHYARD_OAUTH_CLAUDE_CODE_SCOPES: 'x y', SWITCHYARD_OAUTH_CLAUDE_CODE_USAGE_URL: 'https://env/usage' };
    expect(envPrefix('claude-code')).toBe('SWITCHYARD_OAUTH_CLAUDE_CODE_');
    const ep = resolveEndpoints(spec, { options: { oauth: { client_id: 'cfg-id', copilot_token_url: 'https://cfg/ct', redirect_uri: 'gateway' } } }, env);
    expect(ep.clientId).toBe('cfg-id');
    expect(ep.tokenUrl).toBe('https://env/token');
    expect(ep.scopes).toEqual(['x', 'y']);
    expect(ep.urls).toEqual({ usage: 'https://env/usage', copilotToken: 'https://cfg/ct' });
    expect(ep.redirectUri).toBeUndefined();
    expect(resolveEndpoints(spec, { options: { oauth: { scopes: ['q'] } } }, env).scopes).toEqual(['q']);
  });
});

describe('withStoredAccounts', () => {
  const rt = (name: string, accounts: ProviderRuntime['accounts'] = []) => ({ name, accounts } as unknown as ProviderRuntime);
  const stored = (provider: string, accountId: string, state: StoredAccount['state'], meta: Record<string, unknown> = {}) =>
    ({ provider, accountId, label: accountId, state, meta } as StoredAccount);

  test('active stored accounts join configured ones (no secret); others and unknown providers are left out', () => {
    const providers = new Map([['cc', rt('cc', [{ id: 'key-1', label: 'key-1', secret: 'k', priority: 0, weight: 1 }])], ['gh', rt('gh')]]);
    const out = withStoredAccounts(providers, { list: () => [
      stored('cc', 'a@x', 'active', { priority: 5 }), stored('cc', 'b@x', 'needs-reauth'), stored('cc', 'key-1', 'active'), stored('zz', 'q', 'active'),
    ] });
    expect(out.get('cc')!.accounts).toEqual([
      { id: 'key-1', label: 'key-1', secret: 'k', priority: 0, weight: 1 },
      { id: 'a@x', label: 'a@x', fingerprint: accountFingerprint({ provider: 'cc', account: 'a@x' }), priority: 5, weight: 1 },
    ]);
    expect(out.get('gh')).toBe(providers.get('gh')!);
    expect(providers.get('cc')!.accounts).toHaveLength(1);
    expect(out.has('zz')).toBe(false);
  });
});
