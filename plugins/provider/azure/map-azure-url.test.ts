import { describe, expect, test } from 'bun:test';
import { mapAzureUrl } from './map-azure-url.ts';

const endpoint = 'https://res.openai.azure.com';
const v1 = `${endpoint}/openai/v1`;
const dated = { endpoint, apiVersion: '2024-10-21', deploymentsApi: true };

describe('mapAzureUrl', () => {
  test('the v1 API keeps the URL; preview adds its api-version', () => {
    expect(mapAzureUrl(`${v1}/chat/completions`, { endpoint, deploymentsApi: false }, 'gpt-4.1')).toBe(`${v1}/chat/completions`);
    expect(mapAzureUrl(`${v1}/responses`, { endpoint, apiVersion: 'preview', deploymentsApi: false }, 'x')).toBe(`${v1}/responses?api-version=preview`);
  });

  test('the deployments API puts each operation under the deployment', () => {
    for (const op of ['/chat/completions', '/embeddings', '/images/generations', '/audio/transcriptions', '/audio/speech']) {
      expect(mapAzureUrl(`${v1}${op}`, dated, 'prod-4.1_a')).toBe(`${endpoint}/openai/deployments/prod-4.1_a${op}?api-version=2024-10-21`);
    }
  });

  test('the Responses API has no deployment in its path', () => {
    expect(mapAzureUrl(`${v1}/responses`, { ...dated, apiVersion: '2025-04-01-preview' }, 'codex')).toBe(`${endpoint}/openai/responses?api-version=2025-04-01-preview`);
  });

  test('a name that is no deployment name never reaches the path', () => {
    for (const bad of ['..', '.', '../x', 'a/b', 'a?b', '', '-lead', 'x'.repeat(65)]) {
      expect(() => mapAzureUrl(`${v1}/chat/completions`, dated, bad)).toThrow('is not an Azure deployment name');
    }
  });

  test('a URL outside the v1 base is left alone', () => {
    expect(mapAzureUrl('https://elsewhere.example/x', dated, 'd')).toBe('https://elsewhere.example/x');
  });
});
