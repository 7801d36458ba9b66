/**
 * The set-up of the tests of what the gateway sets right before a request reaches the Messages
 * API: one mock Anthropic upstream (which refuses what the API refuses) and a gateway in front
 * of it, its provider named `claude`, the official SDKs pointed at the gateway, and the mock's
 * record cleared before each test.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { beforeEach } from 'bun:test';
import { startMockAnthropic, type MockAnthropic, type MockAnthropicOptions } from '../helpers/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { useKit } from '../helpers/use-kit.ts';

/** The upstream's key, for a client that talks to the mock directly (to show what the API refuses). */
export const UPSTREAM_KEY = 'sk-ant-up-000001';

export interface AnthropicKitOptions {
  /** The mock's options (its key is `UPSTREAM_KEY`). */
  mock?: Omit<MockAnthropicOptions, 'apiKey'>;
  /** More config after the `claude` provider (more providers on the mock, aliases); `UPSTREAM` stands for the mock's origin. */
  config?: string;
}

export interface AnthropicKit {
  mock: MockAnthropic;
  t: TestGateway;
  stop(): Promise<void>;
}

export async function startAnthropicKit(o: AnthropicKitOptions = {}): Promise<AnthropicKit> {
  const mock = await startMockAnthropic({ ...o.mock, apiKey: UPSTREAM_KEY });
  const t = await startTestGateway(`providers:
  claude: { type: anthropic, base_url: "${mock.origin}", keys: [${UPSTREAM_KEY}], allow_private_network: true }
${(o.config ?? '').replaceAll('UPSTREAM', mock.origin)}`);
  return {
    mock, t,
    async stop() {
      await t.stop();
      await mock.stop();
    },
  };
}

/** The kit, started before the file's tests and stopped after them. */
export function useAnthropicKit(o: AnthropicKitOptions = {}): {
  readonly mock: MockAnthropic; readonly t: TestGateway; readonly anthropic: Anthropic; readonly openai: OpenAI;
} {
  const kit = useKit(async () => {
    const { mock, t, stop } = await startAnthropicKit(o);
    return {
      mock, t, stop,
      anthropic: new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 }),
      openai: new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 }),
    };
  }, (started) => started.stop());
  beforeEach(() => kit.mock.reset());
  return kit;
}
