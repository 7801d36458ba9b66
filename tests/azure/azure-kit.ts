/** What the Azure suites share: the mock resource's deployments, keys, and the provider entry that reaches it. */

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
