import type { HttpClient } from '../../../core/http/types.ts';
import type { Plugin, ProviderAdapter, ProviderRuntime } from '../../../core/plugin/types.ts';
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

/**
 * The `anthropic` provider type: Anthropic's Messages API and compatible upstreams.
 *
 * Provider options (YAML, beside `type: anthropic`): `structured_output: native` sends JSON
 * schemas as `output_config.format` instead of the forced-tool trick; `max_tokens: N` is the
 * default output limit when a request sets none; `auth: bearer` sends the key as
 * `authorization: Bearer` instead of `x-api-key`. Native dialect `anthropic-messages`: requests
 * from Anthropic clients take the passthrough lane.
 */
const plugin: Plugin = {
  name: 'anthropic',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Anthropic Messages API upstreams (api.anthropic.com and compatible endpoints).',
  setup(ctx) {
    const adapter: ProviderAdapter = {
      ...anthropicAdapter,
      listModels: (provider) => listAnthropicModels(ctx.host.http, provider),
    };
    ctx.provide('provider', adapter);
  },
};

export default plugin;
