import type { HttpClient } from '../../../core/http/types.ts';
import type { ProviderAdapter, ProviderRuntime } from '../../../core/plugin/types.ts';
import { anthropicAdapter, anthropicHeaders, DEFAULT_BASE_URL } from './anthropic-chat.ts';
import { countAnthropicInputTokens } from './count-anthropic-input-tokens.ts';
import { readAnthropicError } from './map-anthropic-error.ts';
import { fetchModelIds } from '../../../core/util/fetch-model-ids.ts';

/**
 * Lists the upstream's models (`GET /v1/models`) with the provider's first account.
 *
 * @see https://docs.anthropic.com/en/api/models-list
 */
function listAnthropicModels(http: HttpClient, provider: ProviderRuntime): Promise<string[]> {
  const base = (provider.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
  const url = `${base.endsWith('/v1') ? base : `${base}/v1`}/models?limit=1000`;
  const headers = anthropicHeaders({ provider, account: provider.accounts[0] });
  delete headers['content-type'];
  return fetchModelIds(http, provider, url, headers, readAnthropicError);
}

/** The `anthropic` adapter: the Messages API wire code, exact token counts and the upstream model list. */
export function createAnthropicAdapter(http: HttpClient): ProviderAdapter {
  return {
    ...anthropicAdapter,
    operations: { countTokens: countAnthropicInputTokens },
    listModels: (provider) => listAnthropicModels(http, provider),
  };
}
