/**
 * The YAML a user writes for Bedrock loads: `type: bedrock` needs no base URL (the endpoint
 * comes from `region:`), and a provider named `bedrock` takes the preset (its models, its
 * us-east-1 endpoint) with `region:` still picking the endpoint.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { bedrockEndpoint } from '../../plugins/provider/bedrock/bedrock-endpoint.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway(`
providers:
  aws: { type: bedrock, region: eu-west-1, keys: ["ABSKexampleBedrockApiKey0001"], models: [eu.anthropic.claude-sonnet-4-5-20250929-v1:0] }
  bedrock: { region: ap-northeast-1, keys: ["ABSKexampleBedrockApiKey0002"] }
  plain: { preset: bedrock, keys: ["ABSKexampleBedrockApiKey0003"] }
`);
});
afterAll(() => t?.stop());

test('type: bedrock without base_url loads; region picks the endpoint; the preset brings its models', () => {
  const p = t.gw.host.current.providers;
  expect(bedrockEndpoint(p.get('aws')!)).toEqual({ baseUrl: 'https://bedrock-runtime.eu-west-1.amazonaws.com', region: 'eu-west-1' });
  expect(bedrockEndpoint(p.get('bedrock')!)).toEqual({ baseUrl: 'https://bedrock-runtime.ap-northeast-1.amazonaws.com', region: 'ap-northeast-1' });
  expect(bedrockEndpoint(p.get('plain')!)).toEqual({ baseUrl: 'https://bedrock-runtime.us-east-1.amazonaws.com', region: 'us-east-1' });
  expect(p.get('bedrock')!.type).toBe('bedrock');
  expect(p.get('bedrock')!.models).toContain('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
});
