/** What the Azure suites share: the mock resource's deployments, keys, the provider entry that reaches it, and a kit that starts both. */
import OpenAI from 'openai';
import { startMockAzure, type MockAzure } from '../helpers/mock-azure.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

export const KEY = 'azure-key-0123456789abcdef';

/** Deployments of the mock resource: name → the model version its answers report. */
export const DEPLOYMENTS = {
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'prod-mini': 'gpt-5-mini-2025-08-07',
  'text-embedding-3-small': 'text-embedding-3-small',
  'codex-deploy': 'gpt-5-codex',
  'gpt-image-1': 'gpt-image-1',
};

/** One provider entry as YAML flow text: `type: azure` against the mock, plus `extra` (YAML flow fields). */
export function azureEntry(endpoint: string, extra = '', type = 'azure'): string {
  return `{ type: ${type}, base_url: "${endpoint}", keys: [${KEY}], allow_private_network: true${extra ? `, ${extra}` : ''} }`;
}

/** The mock resource (key auth, the deployments above), a gateway whose providers reach it, and an OpenAI client of that gateway. */
export interface AzureKit {
  azure: MockAzure;
  t: TestGateway;
  openai: OpenAI;
  stop(): Promise<void>;
}

/** Starts the kit: `providers` gives the `providers:` lines (indented) for the mock's endpoint. */
export async function startAzureKit(providers: (endpoint: string) => string): Promise<AzureKit> {
  const azure = await startMockAzure({ deployments: DEPLOYMENTS, apiKeys: [KEY] });
  const t = await startTestGateway(`providers:\n${providers(azure.endpoint)}\n`);
  const openai = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  return {
    azure, t, openai,
    async stop() {
      await t.stop();
      await azure.stop();
    },
  };
}
