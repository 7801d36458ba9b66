import { describe, expect, test } from 'bun:test';
import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { azureRuntime, deploymentOf } from './azure-runtime.ts';

function provider(options: Record<string, unknown> = {}, quirks: Record<string, unknown> = {}, baseUrl = 'https://res.openai.azure.com'): ProviderRuntime {
  return {
    name: 'az', type: 'azure', baseUrl, accounts: [], accountStrategy: 'fill-first', models: [], headers: {}, allowPrivateNetwork: false,
    timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1, totalMs: 1 }, quirks, pricing: {}, options,
    auth: { header: 'authorization', scheme: 'Bearer' },
  };
}

describe('azureRuntime', () => {
  test('the endpoint is the resource without the path a portal URL carries', () => {
    for (const base of ['https://res.openai.azure.com', 'https://res.openai.azure.com/openai/v1', 'https://res.openai.azure.com/openai']) {
      const az = azureRuntime(provider({}, {}, base));
      expect(az.endpoint).toBe('https://res.openai.azure.com');
      expect(az.runtime.baseUrl).toBe('https://res.openai.azure.com/openai/v1');
    }
  });

  test('api_version: none and v1 are the v1 API, preview its preview surface, a date the deployments API', () => {
    for (const options of [{}, { api_version: 'v1' }]) {
      const az = azureRuntime(provider(options));
      expect(az.deploymentsApi).toBe(false);
      expect(az.apiVersion).toBeUndefined();
    }
    expect(azureRuntime(provider({ api_version: 'preview' }))).toMatchObject({ deploymentsApi: false, apiVersion: 'preview' });
    expect(azureRuntime(provider({ api_version: '2025-04-01-preview' }))).toMatchObject({ deploymentsApi: true, apiVersion: '2025-04-01-preview' });
  });

  test('the credential goes in api-key, as a bearer token with entra:, or where auth: says', () => {
    expect(azureRuntime(provider()).auth).toEqual({ header: 'api-key' });
    const entra = { tenant_id: 't', client_id: 'c', client_secret: 's' };
    expect(azureRuntime(provider({ entra })).auth).toEqual({ header: 'authorization', scheme: 'Bearer' });
    // The runtime carries `auth:` as config resolution normalized it.
    const own = { ...provider({ auth: { header: 'X-Token', scheme: 'Token' } }), auth: { header: 'x-token', scheme: 'Token' } };
    expect(azureRuntime(own).auth).toEqual({ header: 'x-token', scheme: 'Token' });
    expect(azureRuntime(provider({ entra })).entra).toEqual({
      tenantId: 't', clientId: 'c', clientSecret: 's', scope: 'https://cognitiveservices.azure.com/.default', authority: 'https://login.microsoftonline.com',
    });
  });

  test('Azure\'s quirks sit under the entry\'s, and top_k is always dropped', () => {
    const q = azureRuntime(provider({}, { drop_params: ['seed'], max_tokens_field: 'max_tokens' })).runtime.quirks;
    expect(q.max_tokens_field).toBe('max_tokens');
    expect(q.drop_params).toEqual(['top_k', 'seed']);
    expect(azureRuntime(provider()).runtime.quirks).toMatchObject({ max_tokens_field: 'max_completion_tokens', drop_params: ['top_k'] });
  });

  test('a model\'s own drop_params (which replaces the provider\'s) still drops top_k', () => {
    const az = azureRuntime(provider({ deployments: { 'gpt-5': 'prod-chat' } }, { models: { 'gpt-5*': { drop_params: ['temperature'] } } }));
    expect(modelQuirks(az.runtime, 'gpt-5-mini').drop_params).toEqual(['top_k', 'temperature']);
    expect(modelQuirks(az.runtime, 'prod-chat').drop_params).toEqual(['top_k', 'temperature']);
  });

  test('a mapped model\'s quirks follow it to its deployment; the deployment\'s own quirks win', () => {
    const az = azureRuntime(provider(
      { deployments: { 'gpt-5': 'prod-chat', 'gpt-4.1': 'legacy' } },
      { models: { 'gpt-5*': { drop_params: ['temperature'] }, 'gpt-4.1': { max_output_tokens: 100 }, legacy: { max_output_tokens: 50 } } },
    ));
    expect(deploymentOf(az, 'gpt-5')).toBe('prod-chat');
    expect(deploymentOf(az, 'unmapped')).toBe('unmapped');
    expect(modelQuirks(az.runtime, 'prod-chat').drop_params).toEqual(['top_k', 'temperature']);
    expect(modelQuirks(az.runtime, 'legacy').max_output_tokens).toBe(50);
  });

  test('options that cannot work name themselves', () => {
    expect(() => azureRuntime(provider({ api_version: '2024' }))).toThrow('providers.az.api_version: must be a date');
    expect(() => azureRuntime(provider({ deployments: { a: 1 } }))).toThrow('providers.az.deployments: must map model names to deployment names');
    expect(() => azureRuntime(provider({ entra: { tenant_id: 't' } }))).toThrow('providers.az.entra: needs tenant_id, client_id and client_secret');
  });

  test('read once per runtime', () => {
    const p = provider();
    expect(azureRuntime(p)).toBe(azureRuntime(p));
  });
});
