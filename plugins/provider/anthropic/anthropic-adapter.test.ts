import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHttpClient } from '../../../core/http/create-http-client.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { startMockAnthropic, type MockAnthropic } from '../../../tests/helpers/mock-anthropic-upstream.ts';
import { createAnthropicAdapter } from './anthropic-adapter.ts';

let mock: MockAnthropic;
beforeAll(async () => {
  mock = await startMockAnthropic({ apiKey: 'sk-ant-list-models-key', models: ['claude-opus-4-5', 'claude-haiku-4-5'] });
});
afterAll(() => mock.stop());

function provider(over: Partial<ProviderRuntime> = {}): ProviderRuntime {
  return {
    name: 'claude', type: 'anthropic', baseUrl: mock.origin, headers: {}, options: {}, models: [], allowPrivateNetwork: true,
    accounts: [{ id: 'key-1', secret: 'sk-ant-list-models-key' }], timeouts: {}, ...over,
  } as unknown as ProviderRuntime;
}

describe('anthropic listModels', () => {
  const adapter = createAnthropicAdapter(createHttpClient());

  test('lists the upstream ids with the account key', async () => {
    expect(await adapter.listModels!(provider())).toEqual(['claude-opus-4-5', 'claude-haiku-4-5']);
  });

  test('an upstream error is mapped; the network policy applies (loopback refused without the flag)', async () => {
    const refused = provider({ accounts: [{ id: 'key-1', secret: 'sk-ant-wrong-key-123456' }] } as Partial<ProviderRuntime>);
    await expect(adapter.listModels!(refused)).rejects.toMatchObject({ upstream: { status: 401, type: 'authentication_error' } });
    await expect(adapter.listModels!(provider({ allowPrivateNetwork: false }))).rejects.toMatchObject({ code: 'GW_SSRF_BLOCKED' });
  });
});
