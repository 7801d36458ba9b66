import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { AZURE_OPERATIONS } from './azure-operations.ts';

/**
 * `type: azure` and `type: azure-responses`: Azure OpenAI / Azure AI Foundry deployments.
 * `azure` speaks Chat Completions (and embeddings, images, audio) by delegating to the `openai`
 * adapter; `azure-responses` speaks the Responses API by delegating to `openai-responses`, for
 * the models Azure serves only there. Both reach the v1 API (`{endpoint}/openai/v1/…`) or, with
 * a dated `api_version:`, the deployments API; the key goes in `api-key`, or a Microsoft Entra
 * ID token as a bearer token. Needs the `openai-compatible` and `openai-responses-provider`
 * plugins, whose wire code it reuses.
 */
const plugin: Plugin = {
  name: 'azure',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Azure OpenAI / Azure AI Foundry deployments (v1 or deployments API; api-key or Entra ID).',
  setup(ctx) {
    const load = (id: 'azure' | 'azure-responses') => async () => (await import('./azure-adapter.ts')).createAzureAdapter(ctx.host, id);
    ctx.provide('provider', lazyAdapter(
      { id: 'azure', nativeDialect: 'openai-chat', passthrough: true, operations: AZURE_OPERATIONS, listModels: true, credentialOptions: ['entra'] },
      load('azure'),
    ));
    ctx.provide('provider', lazyAdapter(
      { id: 'azure-responses', nativeDialect: 'openai-responses', passthrough: true, listModels: true, credentialOptions: ['entra'] },
      load('azure-responses'),
    ));
  },
};

export default plugin;
