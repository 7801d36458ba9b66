/**
 * The `azure` preset: an entry named `azure` with its resource's URL gets the Azure type, the
 * `api-key` header and OpenAI's per-family quirks; one without a URL is a located config error
 * (the catalogue cannot know a resource's endpoint).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { modelQuirks } from '../../core/config/resolve-providers.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway(`
providers:
  azure: { base_url: "https://res.openai.azure.com", keys: ["azure-config-test-key-0001"], models: [gpt-5-mini, gpt-4.1] }
`);
});
afterAll(() => t?.stop());

test('an entry named azure takes the preset: type, api-key header, per-family quirks', () => {
  const p = t.gw.host.current.providers.get('azure')!;
  expect([p.type, p.baseUrl, p.auth]).toEqual(['azure', 'https://res.openai.azure.com', { header: 'api-key' }]);
  expect(modelQuirks(p, 'gpt-5-mini').drop_params).toContain('temperature');
  expect(modelQuirks(p, 'gpt-4.1').drop_params).toEqual(['reasoning_effort']);
  expect(modelQuirks(p, 'gpt-4.1').max_tokens_field).toBe('max_completion_tokens');
});

test('without base_url the entry is refused where it is written', async () => {
  await expect(startTestGateway('providers:\n  azure: { keys: ["azure-config-test-key-0002"] }\n')).rejects.toThrow(/switchyard\.yaml:2:3: providers\.azure: provider "azure" needs a base_url/);
});
