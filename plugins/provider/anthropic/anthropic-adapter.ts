import type { HttpClient } from '../../../core/http/types.ts';
import type { ProviderAdapter, ProviderRuntime } from '../../../core/plugin/types.ts';
import { anthropicAdapter, anthropicHeaders, DEFAULT_BASE_URL } from './anthropic-chat.ts';
import { readAnthropicError } from './map-anthropic-error.ts';

/**
 * Lists the upstream's models (`GET /v1/models`) with the provider's first account.
 *
 * @see https://docs.anthropic.com/en/api/models-list
 */
async function listAnthropicModels(http: HttpClient, provider: ProviderRuntime): Promise<string[]> {
  const base = (provider.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
  const url = `${base.endsWith('/v1') ? base : `${base}/v1`}/models?limit=1000`;
  const headers = anthropicHeaders({ provider, account: provider.accounts[0] });
  delete headers['content-type'];
  const res = await http.fetch(url, {
    method: 'GET',
    headers,
    allowPrivateNetwork: provider.allowPrivateNetwork,
    proxy: provider.proxy,
    timeouts: provider.timeouts,
  });
  if (!res.ok) throw await readAnthropicError(res);
  const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
  return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
}

/** The `anthropic` adapter: the Messages API wire code plus the upstream model list. */
export function createAnthropicAdapter(http: HttpClient): ProviderAdapter {
  return { ...anthropicAdapter, listModels: (provider) => listAnthropicModels(http, provider) };
}
