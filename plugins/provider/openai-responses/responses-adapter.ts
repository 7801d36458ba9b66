import type { HttpClient } from '../../../core/http/types.ts';
import type { ProviderAdapter, ProviderRuntime } from '../../../core/plugin/types.ts';
import { readResponsesError } from './map-responses-error.ts';
import { DEFAULT_BASE_URL, responsesAdapter } from './responses-chat.ts';

/**
 * Lists the upstream's models (`GET {base_url}/models`) with the provider's first account.
 *
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
async function listResponsesModels(http: HttpClient, provider: ProviderRuntime): Promise<string[]> {
  const url = `${(provider.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '')}/models`;
  const headers: Record<string, string> = { accept: 'application/json', ...provider.headers };
  const secret = provider.accounts[0]?.secret;
  if (secret) headers.authorization = `Bearer ${secret}`;
  const res = await http.fetch(url, {
    method: 'GET',
    headers,
    allowPrivateNetwork: provider.allowPrivateNetwork,
    proxy: provider.proxy,
    timeouts: provider.timeouts,
  });
  if (!res.ok) throw await readResponsesError(res, secret);
  const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
  return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
}

/** The `openai-responses` adapter: the Responses API wire code plus the upstream model list. */
export function createResponsesAdapter(http: HttpClient): ProviderAdapter {
  return { ...responsesAdapter, listModels: (provider) => listResponsesModels(http, provider) };
}
