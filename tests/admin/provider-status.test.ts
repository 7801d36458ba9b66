/**
 * The status the dashboard shows for a provider without `keys:`: `no-accounts` when it needs a
 * key and has none, `active` when the entry names a credential source of its own adapter
 * (Bedrock `profile:` / `credentials: env`, Vertex `credentials:`, Azure `entra:`).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin } from '../oauth/oauth-kit.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway(`
providers:
  aws-profile: { type: bedrock, profile: dev, models: [amazon.nova-lite-v1:0] }
  aws-env: { type: bedrock, credentials: env, models: [amazon.nova-lite-v1:0] }
  aws-nothing: { type: bedrock, models: [amazon.nova-lite-v1:0] }
  gcp-adc: { type: vertex, project: p, credentials: adc, models: [gemini-2.5-flash] }
  gcp-nothing: { type: vertex, project: p, models: [gemini-2.5-flash] }
  az-entra: { type: azure, base_url: "https://r.openai.azure.com/openai/v1", entra: { tenant_id: t, client_id: c, client_secret: s }, models: [gpt-4o] }
  az-nothing: { type: azure, base_url: "https://r.openai.azure.com/openai/v1", models: [gpt-4o] }
`);
});
afterAll(async () => {
  await t?.stop();
});

test('a keyless provider with its own credential source is active; one with nothing has no accounts', async () => {
  const r = await admin(t, 'GET', '/api/providers');
  expect(r.status).toBe(200);
  const status = Object.fromEntries((r.json.providers as Array<{ name: string; status: string }>).map((p) => [p.name, p.status]));
  expect(status).toEqual({ 'aws-profile': 'active', 'aws-env': 'active', 'aws-nothing': 'no-accounts', 'gcp-adc': 'active', 'gcp-nothing': 'no-accounts', 'az-entra': 'active', 'az-nothing': 'no-accounts' });
});
