import type { HttpClient } from '../../../core/http/types.ts';
import type { ProviderAdapter, ProviderRuntime } from '../../../core/plugin/types.ts';
import { readResponsesError } from './map-responses-error.ts';
import { fetchModelIds } from '../../../core/util/fetch-model-ids.ts';
import { openAIUrl } from '../../../core/util/openai-api.ts';
import { responsesAdapter } from './responses-chat.ts';
import { countResponsesInputTokens } from './count-responses-input-tokens.ts';

/**
 * Lists the upstream's models (`GET {base_url}/models`) with the provider's first account.
 *
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
function listResponsesModels(http: HttpClient, provider: ProviderRuntime): Promise<string[]> {
  const url = openAIUrl(provider.baseUrl, '/models');
  const headers: Record<string, string> = { accept: 'application/json', ...provider.headers };
  const secret = provider.accounts[0]?.secret;
  if (secret) headers.authorization = `Bearer ${secret}`;
  return fetchModelIds(http, provider, url, headers, (res) => readResponsesError(res, secret));
}

/** The `openai-responses` adapter: the Responses API wire code, exact token counts and the upstream model list. */
export function createResponsesAdapter(http: HttpClient): ProviderAdapter {
  return {
    ...responsesAdapter,
    operations: { countTokens: countResponsesInputTokens },
    listModels: (provider) => listResponsesModels(http, provider),
  };
}
