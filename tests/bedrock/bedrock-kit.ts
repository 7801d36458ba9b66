import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { UsageRow } from '../../core/db/usage-repo.ts';
import { startMockBedrock, type MockBedrock, type MockBedrockOptions } from '../helpers/mock-bedrock.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/** A fake Bedrock runtime, a gateway configured against it, and the official SDKs pointed at the gateway. */
export interface BedrockKit {
  mock: MockBedrock;
  t: TestGateway;
  openai: OpenAI;
  anthropic: Anthropic;
  gemini: GoogleGenAI;
  /** The usage row of the last request, once the writer has it. */
  lastRow(): Promise<UsageRow>;
  stop(): Promise<void>;
}

/** A `providers:` entry of type bedrock on the fake runtime (allow_private_network, one key, `models`). */
export function bedrockEntry(mockUrl: string, key: string, models: readonly string[], extra = ''): string {
  return `{ type: bedrock, base_url: "${mockUrl}", allow_private_network: true, keys: ["${key}"], models: [${models.map((m) => `"${m}"`).join(', ')}]${extra} }`;
}

/** Starts the fake runtime with `mockOptions`, then a gateway whose config is `yaml(mockUrl)`. */
export async function startBedrockKit(mockOptions: MockBedrockOptions, yaml: (mockUrl: string) => string): Promise<BedrockKit> {
  const mock = await startMockBedrock(mockOptions);
  const t = await startTestGateway(yaml(mock.url));
  return {
    mock, t,
    openai: new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 }),
    gemini: new GoogleGenAI({ apiKey: t.key, httpOptions: { baseUrl: t.url, apiVersion: 'v1beta' } }),
    async lastRow() {
      await t.settled();
      t.gw.usage.flush();
      return t.gw.usage.recent(1)[0]!;
    },
    async stop() {
      await t.stop();
      await mock.stop();
    },
  };
}
